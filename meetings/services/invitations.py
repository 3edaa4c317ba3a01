"""Invitations: the meeting by email, with its calendar entry attached.

The mails are queued in the outbox (one per invitee, in their language) and
sent by its delivery task, never in the request: a slow or refusing mail
server costs the moderator nothing, and the task retries it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import Kind
from outbox.services import mail_queue, why_not_mailed
from outbox.tasks import deliver_soon
from stakeholders.models import Person

from .. import calendar
from ..models import Meeting
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
        )
        (result.queued if mail else result.already).append(person)
    if result.queued:
        deliver_soon()
    return result
