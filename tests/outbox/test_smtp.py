"""Mail over a real SMTP connection: an invitation sent and read back, a refusal retried,
and the real worker process delivering the queue."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from meetings.models import Attendance
from meetings.services import meeting_invitations_send
from outbox import services
from outbox.models import Kind, Mail
from outbox.tasks import deliver_soon
from tests import factories
from tests.tasks.worker import DATABASE_BACKEND, run_worker

from .smtp import smtp_settings


@pytest.fixture
def invited(sofia_roadmap, sofia_company):
    meeting = factories.meeting(sofia_roadmap, title="Fourth meeting")
    person = factories.person(sofia_company, "Willing", consent_to_contact=True)
    Attendance.objects.create(meeting=meeting, person=person, invited=True)
    return meeting, person


def test_an_invitation_arrives_over_smtp_with_its_ics_and_unsubscribe_link(
    smtp_server, moderator, invited
):
    meeting, person = invited
    meeting_invitations_send(meeting=meeting, by=moderator, base_url="https://csr.example.org")

    (message,) = smtp_server.received
    assert message["To"] == person.email
    assert "Fourth meeting" in message["Subject"]
    (ics,) = list(message.iter_attachments())
    assert ics.get_filename() == f"meeting-{meeting.number}.ics"
    assert "BEGIN:VEVENT" in ics.get_content()
    body = message.get_body(("plain",)).get_content()
    assert f"https://csr.example.org{meeting.get_absolute_url()}" in body
    unsubscribe = services.unsubscribe_url(person, Kind.INVITATION)
    assert unsubscribe in body
    assert str(message["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
    sent = Mail.objects.get(person=person)
    assert sent.status == Mail.Status.SENT
    assert (sent.body, bytes(sent.attachment)) == ("", b"")  # the log keeps no body


def test_a_refusing_server_is_retried_later_and_the_mail_then_arrives(
    smtp_server, moderator, invited
):
    meeting, person = invited
    smtp_server.refused = {person.email}
    meeting_invitations_send(meeting=meeting, by=moderator)
    waiting = Mail.objects.get(person=person)
    assert (waiting.status, waiting.attempts) == (Mail.Status.PENDING, 1)
    assert smtp_server.received == []

    # Not before its time: the back-off holds it.
    assert services.deliver().sent == 0
    smtp_server.refused = set()
    assert services.deliver(now=waiting.next_attempt_at).sent == 1
    assert len(smtp_server.received) == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (Mail.Status.SENT, 2)


def test_a_mail_that_keeps_failing_is_given_up_and_shown_as_failed(smtp_server, moderator, invited):
    meeting, person = invited
    smtp_server.refused = {person.email}
    meeting_invitations_send(meeting=meeting, by=moderator)
    when = timezone.now()
    for _attempt in range(services.MAX_ATTEMPTS):
        when += services.LONGEST_RETRY
        services.deliver(now=when)
    failed = Mail.objects.get(person=person)
    assert (failed.status, failed.attempts) == (Mail.Status.FAILED, services.MAX_ATTEMPTS)


def test_the_backoff_grows_to_a_ceiling():
    waits = [services.backoff(n) for n in range(1, 7)]
    assert waits[:4] == [datetime.timedelta(minutes=m) for m in (1, 4, 16, 64)]
    assert waits[-1] == services.LONGEST_RETRY


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_delivers_the_queue_over_smtp(smtp_server, contact):
    person = contact
    with override_settings(TASKS=DATABASE_BACKEND):
        services.mail_queue(
            kind=Kind.DUE_DIGEST,
            event="worker-test",
            person=person,
            template="email/digest",
            context={"sections": [], "date": timezone.localdate()},
        )
        deliver_soon()
    assert smtp_server.received == []

    run_worker(**smtp_settings(smtp_server.controller))

    (message,) = smtp_server.received
    assert message["To"] == person.email
    assert Mail.objects.get(person=person).status == Mail.Status.SENT


@pytest.fixture
def contact(db):
    return factories.person(factories.sofia_company(factories.sofia()), consent_to_contact=True)
