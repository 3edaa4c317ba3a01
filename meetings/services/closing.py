"""Closing a meeting, the meetings whose minutes are late, and attendance checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason
from core.versions import stale_save_error, version_claim
from stakeholders.models import Membership, Person

from ..models import Attendance, Meeting
from .common import (
    check_can_manage,
    save_with_history,
    set_history_author,
)


def closing_doubts(meeting: Meeting) -> list[str]:
    """What to ask before closing ``meeting`` (not refused: an attendance list can
    be filled in later). Now one question: nobody is marked present. Asked of a
    planned meeting that has started (``meeting_close`` refuses one that has not)."""
    if meeting.status != Meeting.Status.PLANNED or meeting.start > timezone.now():
        return []
    if not meeting.attendances.filter(attended=True).exists():
        return [
            _(
                "Nobody is marked present at this meeting. Mark who attended in its"
                " attendance list first, or tick the box to close it as it is."
            )
        ]
    return []


def meeting_close(
    *,
    meeting: Meeting,
    by,
    summary: str | None = None,
    approve_minutes: bool = False,
    expected_version: int | None = None,
) -> Meeting:
    """Record the summary and mark the meeting held, or its minutes approved.

    ``expected_version`` is the meeting's version as the user saw it: when
    somebody else saved the meeting since (closed it, wrote its summary, or
    changed it in its admin page), nothing is saved. The close bumps it.
    """
    check_can_manage(by, meeting)
    with transaction.atomic():
        current = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("roadmap")
            .get(pk=meeting.pk)
        )
        if expected_version is not None and expected_version != current.version:
            raise stale_save_error(Meeting)
        if current.status == Meeting.Status.MINUTES_APPROVED:
            raise ValidationError(
                _("The minutes of this meeting are already approved."), code="approved"
            )
        if current.start > timezone.now():
            raise ValidationError(
                _("This meeting has not started yet; close it after it is held."),
                code="not_started",
            )
        before = (current.status, current.summary)
        if summary is not None:
            current.summary = summary.strip()
        if not current.summary:
            raise ValidationError(
                {"summary": _("Write the summary of the meeting before closing it.")}
            )
        if approve_minutes:
            current.status = Meeting.Status.MINUTES_APPROVED
        elif current.status == Meeting.Status.PLANNED:
            current.status = Meeting.Status.HELD
        if (current.status, current.summary) == before:
            return current
        reason = history_reason(
            HistoryReason.MINUTES_APPROVED if approve_minutes else HistoryReason.MEETING_HELD
        )
        version_claim(current, current.version)
        save_with_history(current, by=by, reason=reason)
    return current


def meeting_delete(*, meeting: Meeting, by) -> None:
    """Delete a planned meeting; a held one is refused (``Meeting.refuse_kept``).

    The admin's delete view and bulk action call this, so that the refusal and
    the user named in the meeting's history are the same everywhere.
    """
    check_can_manage(by, meeting)
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        set_history_author(current, by=by)
        current.delete()


def unclosed_meetings(*, now: datetime.datetime | None = None):
    """Meetings still "planned" a week after they ended: their minutes are late."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=7)
    return Meeting.objects.filter(status=Meeting.Status.PLANNED).filter(
        Q(end__lt=cutoff) | Q(end__isnull=True, start__lt=cutoff)
    )


def attendance_outside_working_group(*, meeting: Meeting) -> list[Person]:
    """People on the attendance list who are not in the roadmap's working group.

    Guests are allowed (an expert, a journalist); the moderator is only warned,
    so that a mistyped person does not go unnoticed.
    """
    city_id = meeting.roadmap.city_id
    members = Membership.objects.filter(city_id=city_id)
    member_orgs = members.filter(organisation__isnull=False).values("organisation_id")
    member_people = members.filter(person__isnull=False).values("person_id")
    return [
        attendance.person
        for attendance in Attendance.objects.filter(meeting=meeting)
        .exclude(person__organisation_id__in=member_orgs)
        .exclude(person_id__in=member_people)
        .select_related("person__organisation")
    ]
