"""Invitations: the meeting by email, with its calendar entry attached."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stakeholders.models import Membership, Person
from stakeholders.services import contactable, why_not_contactable

from .. import calendar
from ..models import Attendance, Meeting
from .common import (
    check_can_manage,
    city_language,
)

# What a mail backend raises when the server refuses or cannot be reached
# (SMTPException is an OSError too since Python 3.4; named for the reader).
MAIL_ERRORS = (smtplib.SMTPException, OSError)


logger = logging.getLogger(__name__)


@dataclass
class Invitations:
    sent: list[Person] = field(default_factory=list)
    # People invited but not written to, with the reason (shown to the moderator).
    skipped: list[tuple[Person, str]] = field(default_factory=list)
    # Those of them whose email the mail server did not take: worth trying again.
    failed: list[Person] = field(default_factory=list)


def meeting_invitations_send(*, meeting: Meeting, by, base_url: str = "") -> Invitations:
    """Email each invited person the meeting, with its .ics attached.

    Only people who consented to be contacted and have an address are written
    to (GDPR); each gets a message of their own, so nobody sees the others'
    addresses. ``base_url`` ("https://host") makes the link to the meeting page.
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
    messages: list[tuple[Person, EmailMessage]] = []
    invited = meeting.attendances.filter(invited=True).select_related("person__organisation")
    people = [attendance.person for attendance in invited]
    recipients = contactable(people)
    written_to = {person.pk for person in recipients}
    # The reasons are for the moderator, in the moderator's language.
    result.skipped.extend(
        (person, why_not_contactable(person)) for person in people if person.pk not in written_to
    )
    # The invitation itself is in the working language of the city, like the meeting.
    with translation.override(city_language(meeting)):
        ics = calendar.meetings_calendar(
            [meeting], name=str(meeting), url_for=(lambda m: url) if url else None
        )
        for person in recipients:
            context = {"meeting": meeting, "person": person, "url": url}
            subject = render_to_string("email/meeting_invitation_subject.txt", context)
            message = EmailMessage(
                subject=" ".join(subject.split()),
                body=render_to_string("email/meeting_invitation.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[person.email],
            )
            message.attach(f"meeting-{meeting.number}.ics", ics, calendar.CONTENT_TYPE)
            messages.append((person, message))
    if messages:
        result.sent, result.failed = _send_each(messages)
        reason = _("the email could not be sent (mail server error); try again later")
        result.skipped.extend((person, reason) for person in result.failed)
    return result


def _send_each(
    messages: list[tuple[Person, EmailMessage]],
) -> tuple[list[Person], list[Person]]:
    """Send the messages over one connection; a refused one does not stop the rest.

    Returns the people written to and those whose message failed.
    """
    sent: list[Person] = []
    failed: list[Person] = []
    connection = get_connection()
    try:
        connection.open()
    except MAIL_ERRORS:
        logger.warning("Invitations not sent: no connection to the mail server", exc_info=True)
        return sent, [person for person, _message in messages]
    try:
        for person, message in messages:
            try:
                connection.send_messages([message])
            except MAIL_ERRORS:
                logger.warning("Invitation to person %s not sent", person.pk, exc_info=True)
                failed.append(person)
                # The server may have dropped the connection: the next message opens a new one.
                _close_quietly(connection)
            else:
                sent.append(person)
    finally:
        _close_quietly(connection)
    return sent, failed


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except MAIL_ERRORS:
        logger.warning("Closing the connection to the mail server failed", exc_info=True)


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
