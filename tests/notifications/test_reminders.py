"""The daily reminders on a fixed clock: exactly the expected digests, in each
recipient's language, none twice, none to people who did not consent or who
unsubscribed; the meeting reminder before, the minutes reminders 3 and 7 days after."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.models import Action
from meetings.models import Attendance, Meeting, NextStep
from notifications.reminders import due_digests, reminders_send
from outbox import services as outbox
from outbox.models import Kind, Mail
from tests import factories

TODAY = datetime.date(2026, 3, 10)
NOW = timezone.make_aware(datetime.datetime(2026, 3, 10, 7, 0))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def roadmap_world(sofia, sofia_roadmap, editor):
    """Sofia's roadmap with due, overdue, done and far actions and next steps, and people
    with and without consent, in two languages."""
    municipality = factories.organisation(sofia, "Sofia Municipality", kind="municipality")
    company = factories.organisation(sofia, "Green Company")
    ngo = factories.organisation(sofia, "Schools NGO", kind="ngo")
    people = {
        # The editor's own contact record: the city's responsible staff.
        "staff": factories.person(municipality, "Staff", consent_to_contact=True, user=editor),
        "lead": factories.person(company, "Lead Contact", consent_to_contact=True),
        "lead_unwilling": factories.person(company, "Unwilling Lead", consent_to_contact=False),
        "ngo": factories.person(ngo, "NGO Contact", consent_to_contact=True),
        "ngo_unsubscribed": factories.person(ngo, "Unsubscribed", consent_to_contact=True),
        "answering": factories.person(municipality, "Answering", consent_to_contact=True),
    }
    outbox.preference_update(person=people["ngo"], language="en")
    outbox.unsubscribe(person=people["ngo_unsubscribed"], kind=Kind.DUE_DIGEST)
    actions = {
        "due": factories.action(
            sofia_roadmap, title="Due action", lead_partner=company, deadline=days(10)
        ),
        "overdue": factories.action(
            sofia_roadmap,
            title="Overdue action",
            lead_partner=company,
            deadline=days(-5),
            status=Action.Status.IN_PROGRESS,
        ),
        "done": factories.action(
            sofia_roadmap,
            title="Done action",
            lead_partner=company,
            deadline=days(-5),
            status=Action.Status.DONE,
        ),
        "far": factories.action(
            sofia_roadmap, title="Far action", lead_partner=company, deadline=days(30)
        ),
    }
    meeting = factories.meeting(
        sofia_roadmap,
        title="Past meeting",
        start=NOW - datetime.timedelta(days=20),
        status=Meeting.Status.MINUTES_APPROVED,
    )
    steps = {
        "soon": NextStep.objects.create(
            meeting=meeting,
            description="Step soon",
            due_date=days(2),
            responsible_person=people["answering"],
        ),
        "overdue": NextStep.objects.create(
            meeting=meeting,
            position=1,
            description="Step overdue",
            due_date=days(-1),
            responsible_organisation=ngo,
        ),
        "done": NextStep.objects.create(
            meeting=meeting,
            position=2,
            description="Step done",
            due_date=days(-1),
            responsible_organisation=ngo,
            done=True,
        ),
        "later": NextStep.objects.create(
            meeting=meeting,
            position=3,
            description="Step later",
            due_date=days(10),
            responsible_person=people["answering"],
        ),
    }
    return people, actions, steps


def _listed(digest) -> dict[str, list[str]]:
    return {
        key: [item["text"].split(" (")[0] for item in items]
        for key, items in digest.sections.items()
    }


def test_exactly_the_expected_digests(roadmap_world):
    _people, _actions, _steps = roadmap_world
    digests = {digest.person.name: _listed(digest) for digest in due_digests(today=TODAY)}
    assert digests == {
        "Staff": {"actions_overdue": ["Overdue action"], "actions_due": ["Due action"]},
        "Lead Contact": {"actions_overdue": ["Overdue action"], "actions_due": ["Due action"]},
        "NGO Contact": {"steps_overdue": ["Step overdue"]},
        "Answering": {"steps_due": ["Step soon"]},
    }


def test_the_days_ahead_are_the_citys(roadmap_world, sofia):
    sofia.reminder_days = 30
    sofia.save()
    staff = next(d for d in due_digests(today=TODAY) if d.person.name == "Staff")
    assert _listed(staff)["actions_due"] == ["Due action", "Far action"]


def test_one_digest_per_person_and_none_twice_on_a_second_run(roadmap_world):
    people, _actions, _steps = roadmap_world
    first = reminders_send(now=NOW)
    assert first.digests == 4
    recipients = sorted(address for message in mail.outbox for address in message.to)
    wanted = sorted(people[key].email for key in ("staff", "lead", "ngo", "answering"))
    assert recipients == wanted

    second = reminders_send(now=NOW + datetime.timedelta(hours=3))
    assert second.digests == 0
    assert len(mail.outbox) == 4
    # The next day is a new digest.
    assert reminders_send(now=NOW + datetime.timedelta(days=1)).digests == 4


def test_no_digest_to_people_without_consent_or_unsubscribed(roadmap_world):
    people, _actions, _steps = roadmap_world
    reminders_send(now=NOW)
    got = {address for message in mail.outbox for address in message.to}
    assert people["lead_unwilling"].email not in got
    assert people["ngo_unsubscribed"].email not in got


def test_each_digest_is_in_its_recipients_language_with_links_and_unsubscribe(roadmap_world):
    people, actions, _steps = roadmap_world
    reminders_send(now=NOW)
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address[people["ngo"].email]
    assert english.body.startswith("Dear NGO Contact,")
    assert "Overdue next steps" in english.body
    assert outbox.unsubscribe_url(people["ngo"], Kind.DUE_DIGEST) in english.body
    bulgarian = by_address[people["staff"].email]
    assert bulgarian.body.startswith("Уважаеми/а Staff,")  # Sofia works in Bulgarian
    assert f"https://csr.example.org{actions['due'].get_absolute_url()}" in bulgarian.body
    assert dict(Mail.objects.values_list("person__name", "language")) == {
        "Staff": "bg",
        "Lead Contact": "bg",
        "NGO Contact": "en",
        "Answering": "bg",
    }


def test_the_command_is_idempotent(roadmap_world):
    out = StringIO()
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)
    assert "Queued 0 digests" in out.getvalue().splitlines()[-1]
    assert Mail.objects.filter(kind=Kind.DUE_DIGEST).count() == len(
        {message.to[0] for message in mail.outbox}
    )


# --- Meetings ---------------------------------------------------------------------


@pytest.fixture
def invitee(sofia_company):
    return factories.person(sofia_company, "Invitee", consent_to_contact=True)


def _planned(roadmap, invitee, *, hours_ahead: float, **fields):
    meeting = factories.meeting(
        roadmap, start=NOW + datetime.timedelta(hours=hours_ahead), **fields
    )
    Attendance.objects.create(meeting=meeting, person=invitee, invited=True)
    return meeting


def test_the_meeting_reminder_goes_within_48_hours_once(sofia_roadmap, invitee):
    _planned(sofia_roadmap, invitee, hours_ahead=47, title="Soon")
    _planned(sofia_roadmap, invitee, hours_ahead=60, title="Later")
    assert reminders_send(now=NOW).meeting_reminders == 1
    (message,) = mail.outbox
    assert "Soon" in message.subject
    assert reminders_send(now=NOW + datetime.timedelta(hours=1)).meeting_reminders == 0
    # A day on, the later meeting is within its 48 hours.
    assert reminders_send(now=NOW + datetime.timedelta(days=1)).meeting_reminders == 1


def test_a_meeting_chooses_its_reminder_hours_or_none(sofia_roadmap, invitee):
    _planned(sofia_roadmap, invitee, hours_ahead=60, title="Long notice", reminder_hours=72)
    _planned(sofia_roadmap, invitee, hours_ahead=10, title="Quiet", reminder_on=False)
    assert reminders_send(now=NOW).meeting_reminders == 1
    assert "Long notice" in mail.outbox[0].subject


def test_no_meeting_reminder_to_who_unsubscribed_from_it(sofia_roadmap, invitee):
    outbox.unsubscribe(person=invitee, kind=Kind.MEETING_REMINDER)
    _planned(sofia_roadmap, invitee, hours_ahead=20)
    assert reminders_send(now=NOW).meeting_reminders == 0


@pytest.fixture
def ended(sofia_roadmap, sofia_company):
    moderator = factories.person(sofia_company, "Moderator", consent_to_contact=True)
    start = NOW - datetime.timedelta(days=3, hours=3)
    return factories.meeting(
        sofia_roadmap,
        title="Ended",
        start=start,
        end=start + datetime.timedelta(hours=2),
        moderator=moderator,
        status=Meeting.Status.HELD,
    )


def test_the_moderator_is_reminded_3_and_7_days_after_the_meeting(ended):
    assert reminders_send(now=NOW).minutes_reminders == 1  # 3 days after
    assert reminders_send(now=NOW + datetime.timedelta(days=1)).minutes_reminders == 0
    assert reminders_send(now=NOW + datetime.timedelta(days=4)).minutes_reminders == 1  # 7 days
    assert reminders_send(now=NOW + datetime.timedelta(days=5)).minutes_reminders == 0
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2
    # The moderator works for a Sofia organisation: the mail is in Bulgarian.
    assert all("одобрете протокола" in subject for subject in subjects)
    assert "/admin/meetings/meeting/" in mail.outbox[0].body


def test_no_minutes_reminder_once_they_are_approved_or_too_early(ended):
    assert reminders_send(now=NOW - datetime.timedelta(days=1)).minutes_reminders == 0
    ended.status = Meeting.Status.MINUTES_APPROVED
    ended.save()
    assert reminders_send(now=NOW).minutes_reminders == 0
