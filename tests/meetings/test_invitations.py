"""Invitations: one email per consenting invitee, with the meeting's .ics attached."""

import datetime
import smtplib

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import AgendaItem, Attendance
from meetings.services import meeting_invitations_send
from outbox import services as outbox_services
from outbox.models import Mail
from tests import factories


@pytest.fixture
def planned(sofia_roadmap, sofia_company):
    meeting = factories.meeting(
        sofia_roadmap, title="Fourth meeting", link="https://meet.example.org/4"
    )
    AgendaItem.objects.create(meeting=meeting, position=0, title="Review of previous results")
    people = {
        "willing": factories.person(sofia_company, "Willing", consent_to_contact=True),
        "unwilling": factories.person(sofia_company, "Unwilling", consent_to_contact=False),
        "no_email": factories.person(sofia_company, "No Email", consent_to_contact=True, email=""),
        "not_invited": factories.person(sofia_company, "Not Invited", consent_to_contact=True),
    }
    for key, person in people.items():
        Attendance.objects.create(meeting=meeting, person=person, invited=key != "not_invited")
    return meeting, people


def test_invitations_go_only_to_consenting_invitees_with_an_address(moderator, planned):
    meeting, people = planned
    result = meeting_invitations_send(
        meeting=meeting, by=moderator, base_url="https://csr.example.org"
    )
    assert result.queued == [people["willing"]]
    assert {person.name for person, _reason in result.skipped} == {"Unwilling", "No Email"}
    (message,) = mail.outbox
    assert message.to == [people["willing"].email]
    assert "Fourth meeting" in message.subject
    assert "https://meet.example.org/4" in message.body
    assert f"https://csr.example.org{meeting.get_absolute_url()}" in message.body
    assert "Review of previous results" in message.body


def test_invitation_carries_the_meeting_as_ics(moderator, planned):
    meeting, _people = planned
    meeting_invitations_send(meeting=meeting, by=moderator)
    ((filename, content, mimetype),) = mail.outbox[0].attachments
    assert filename == f"meeting-{meeting.number}.ics"
    assert mimetype.startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@cities4csr"
    assert event.decoded("DTSTART") == meeting.start.replace(microsecond=0)


def test_invitation_is_in_the_citys_language(moderator, planned, monkeypatch):
    meeting, _people = planned
    languages = []
    render = outbox_services.render_to_string

    def recording_render(*args, **kwargs):
        languages.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(outbox_services, "render_to_string", recording_render)
    meeting_invitations_send(meeting=meeting, by=moderator)
    assert set(languages) == {"bg"}  # Sofia works in Bulgarian; the test runs in English


def test_nobody_sees_the_other_invitees(moderator, planned, sofia_company):
    meeting, _people = planned
    other = factories.person(sofia_company, "Other", consent_to_contact=True)
    Attendance.objects.create(meeting=meeting, person=other)
    meeting_invitations_send(meeting=meeting, by=moderator)
    assert sorted(len(m.to) for m in mail.outbox) == [1, 1]
    assert all(not m.cc and not m.bcc for m in mail.outbox)


def test_no_invitations_for_a_meeting_that_is_over(moderator, held_meeting):
    with pytest.raises(ValidationError, match="meeting is over"):
        meeting_invitations_send(meeting=held_meeting["meeting"], by=moderator)
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["editor", "other_editor", "partner"])
def test_only_moderators_send_invitations(request, planned, who):
    meeting, _people = planned
    with pytest.raises(PermissionDenied):
        meeting_invitations_send(meeting=meeting, by=request.getfixturevalue(who))
    assert mail.outbox == []


# --- When the mail server fails ----------------------------------------------------


class RefusingBackend(locmem.EmailBackend):
    """The test outbox, with a server that refuses some addresses or cannot be reached."""

    refused: set[str] = set()
    unreachable = False

    def open(self):
        if RefusingBackend.unreachable:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()

    def send_messages(self, messages):
        self.open()  # as the SMTP backend does
        for message in messages:
            if set(message.to) & RefusingBackend.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@pytest.fixture
def refusing_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.refused, RefusingBackend.unreachable = set(), False
    return RefusingBackend


@pytest.fixture
def three_invitees(planned, sofia_company):
    meeting, people = planned
    for name in ("Second", "Third"):
        person = factories.person(sofia_company, name, consent_to_contact=True)
        Attendance.objects.create(meeting=meeting, person=person)
        people[name.lower()] = person
    return meeting, people


def test_a_refused_address_does_not_stop_the_other_invitations(
    moderator, three_invitees, refusing_backend
):
    meeting, people = three_invitees
    refusing_backend.refused = {people["second"].email}

    result = meeting_invitations_send(meeting=meeting, by=moderator)

    assert sorted(p.name for p in result.queued) == ["Second", "Third", "Willing"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["willing"].email, people["third"].email]
    )
    # Kept for the next attempt, later (the task's back-off).
    refused = Mail.objects.get(person=people["second"])
    assert (refused.status, refused.attempts) == (Mail.Status.PENDING, 1)
    assert refused.next_attempt_at > refused.created_at
    assert refused.error == "SMTPRecipientsRefused"


def test_an_unreachable_mail_server_keeps_every_invitation_for_later(
    moderator, three_invitees, refusing_backend
):
    meeting, _people = three_invitees
    refusing_backend.unreachable = True

    result = meeting_invitations_send(meeting=meeting, by=moderator)

    assert len(result.queued) == 3
    assert mail.outbox == []
    assert set(Mail.objects.values_list("status", flat=True)) == {Mail.Status.PENDING}

    refusing_backend.unreachable = False
    later = timezone.now() + outbox_services.backoff(1)
    assert outbox_services.deliver(now=later).sent == 3
    assert len(mail.outbox) == 3


def test_inviting_twice_sends_nothing_twice(moderator, planned):
    meeting, people = planned
    meeting_invitations_send(meeting=meeting, by=moderator)
    again = meeting_invitations_send(meeting=meeting, by=moderator)
    assert again.queued == []
    assert again.already == [people["willing"]]
    assert len(mail.outbox) == 1


def test_a_moved_meeting_is_invited_to_again(moderator, planned):
    meeting, _people = planned
    meeting_invitations_send(meeting=meeting, by=moderator)
    meeting.start += datetime.timedelta(days=1)
    meeting.save()
    assert len(meeting_invitations_send(meeting=meeting, by=moderator).queued) == 1
    assert len(mail.outbox) == 2


def test_the_admin_action_reports_queued_invitations_and_never_an_error(
    client, moderator, three_invitees, refusing_backend
):
    meeting, people = three_invitees
    refusing_backend.refused = {people["second"].email}
    client.force_login(moderator)

    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "send_invitations", "_selected_action": [meeting.pk]},
    )

    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("invitations to 3 people are being sent" in text for text in texts)
    assert len(mail.outbox) == 2
