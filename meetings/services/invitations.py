"""Invitations: the meeting by email, with its calendar entry attached.

The mails are queued in the outbox (one per invitee, in their language) and
sent by its delivery task, never in the request: a slow or refusing mail
server costs the moderator nothing, and the task retries it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import Kind
from outbox.services import mail_queue, why_not_mailed
from outbox.tasks import deliver_soon
from stakeholders.models import Membership, Person

from .. import calendar
from ..models import Attendance, Meeting
from .common import check_can_manage


@dataclass
class Invitations:
    # People whose invitation is queued now (the delivery task sends it).
    queued: list[Person] = field(default_factory=list)
    # People invited but not written to, with the reason (shown to the moderator).
    skipped: list[tuple[Person, str]] = field(default_factory=list)
    # People who already got this invitation (nothing is sent twice).
    already: list[Person] = field(default_factory=list)


def invitation_event(meeting: Meeting) -> str:
    """The invitation's key in the sent log: a meeting moved to another time is a new one."""
    return f"meeting-{meeting.pk}-{meeting.start.isoformat()}"


def meeting_invitations_send(*, meeting: Meeting, by, base_url: str = "") -> Invitations:
    """Queue for each invited person the meeting by email, with its .ics attached.

    Only people who consented to be contacted, have an address and did not
    unsubscribe from invitations are written to (GDPR); each gets a message of
    their own, so nobody sees the others' addresses. ``base_url``
    ("https://host") makes the link to the meeting page.
    """
    meeting = (
        Meeting.objects.select_related("roadmap__city", "moderator__organisation")
        .prefetch_related("agenda_items")
        .get(pk=meeting.pk)
    )
    check_can_manage(by, meeting)
    if (meeting.end or meeting.start) < timezone.now():
        raise ValidationError(
            _("This meeting is over; invitations go out before a meeting."), code="over"
        )
    url = f"{base_url.rstrip('/')}{meeting.get_absolute_url()}" if base_url else ""
    result = Invitations()
    invited = meeting.attendances.filter(invited=True).select_related(
        "person__organisation__city", "person__mail_preference"
    )
    event = invitation_event(meeting)

    def ics():
        entry = calendar.meetings_calendar(
            [meeting], name=str(meeting), url_for=(lambda m: url) if url else None
        )
        return f"meeting-{meeting.number}.ics", entry, calendar.CONTENT_TYPE

    for attendance in invited:
        person = attendance.person
        # The reasons are for the moderator, in the moderator's language.
        reason = why_not_mailed(person, Kind.INVITATION)
        if reason is not None:
            result.skipped.append((person, reason))
            continue
        mail = mail_queue(
            kind=Kind.INVITATION,
            event=event,
            person=person,
            template="email/meeting_invitation",
            context={"meeting": meeting, "url": url},
            attachment=ics,
            fallback_language=meeting.roadmap.city.language,
        )
        (result.queued if mail else result.already).append(person)
    if result.queued:
        deliver_soon()
    return result


@dataclass
class GroupInvited:
    added: list[Person] = field(default_factory=list)
    # Already on the attendance list: left as they were.
    already: int = 0

    @property
    def consented(self) -> int:
        return sum(1 for person in self.added if person.consent_to_contact)


def working_group_people(meeting: Meeting):
    """Every person of the working group of the meeting's city: members in their
    own name, and the people of its member organisations."""
    memberships = Membership.objects.filter(city_id=meeting.roadmap.city_id)
    return (
        Person.objects.filter(
            Q(pk__in=memberships.filter(person__isnull=False).values("person_id"))
            | Q(
                organisation_id__in=memberships.filter(organisation__isnull=False).values(
                    "organisation_id"
                )
            )
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def meeting_invite_working_group(*, meeting: Meeting, by) -> GroupInvited:
    """Put every person of the working group on the meeting's attendance list, marked
    invited, in one step (those already on it stay as they are). No mail is sent:
    that is ``meeting_invitations_send``, to those who consented."""
    meeting = Meeting.objects.select_related("roadmap").get(pk=meeting.pk)
    check_can_manage(by, meeting)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(
            _("This meeting is closed; its attendance is kept as recorded."), code="closed"
        )
    result = GroupInvited()
    with transaction.atomic():
        listed = set(meeting.attendances.values_list("person_id", flat=True))
        for person in working_group_people(meeting):
            if person.pk in listed:
                result.already += 1
                continue
            Attendance.objects.create(meeting=meeting, person=person, invited=True)
            result.added.append(person)
    return result
