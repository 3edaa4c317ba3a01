"""Consent to be contacted is recorded; people without it are never emailed (issue 6, 18)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from actions.models import Roadmap
from meetings.models import Attendance
from meetings.services import meeting_invitations_send
from stakeholders.models import Person
from stakeholders.services import contactable, why_not_contactable
from tests import factories

BASE_DIR = Path(__file__).resolve().parents[2]

# Every module that sends email, each read for the consent rule: a new one must be added
# here only after it sends to ``stakeholders.services.contactable`` people (or checks
# ``consent_to_contact`` itself) and has a test that people without consent are skipped.
MAIL_SENDERS = {
    # The outbox: every mail goes through outbox.services.mail_queue, which asks
    # why_not_mailed (contactable, then the person's unsubscriptions).
    "outbox/services.py": "test_invitations_go_only_to_people_who_consented",
}
SENDING = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
    r"EmailMultiAlternatives|send_messages)\b"
)


def test_giving_consent_records_when(db):
    before = timezone.now()
    person = factories.person(consent_to_contact=True)
    assert person.consent_recorded_at is not None
    assert before <= person.consent_recorded_at <= timezone.now()


def test_consent_given_later_is_recorded_then(db):
    person = factories.person(consent_to_contact=False)
    assert person.consent_recorded_at is None
    person.consent_to_contact = True
    person.save(update_fields=["consent_to_contact"])
    person.refresh_from_db()
    assert person.consent_recorded_at is not None


def test_saving_again_keeps_the_time_consent_was_given(db):
    given = timezone.now() - datetime.timedelta(days=400)
    person = factories.person(consent_to_contact=True, consent_recorded_at=given)
    person.phone = "+359 2 111 2222"
    person.save()
    person.refresh_from_db()
    assert person.consent_recorded_at == given


def test_withdrawn_consent_clears_the_record(db):
    person = factories.person(consent_to_contact=True)
    person.consent_to_contact = False
    person.save(update_fields=["consent_to_contact"])
    person.refresh_from_db()
    assert person.consent_recorded_at is None


def test_contactable_keeps_people_who_consented_and_have_an_address(db):
    willing = factories.person(name="Willing", consent_to_contact=True)
    factories.person(name="Unwilling", consent_to_contact=False)
    factories.person(name="No address", consent_to_contact=True, email="")
    assert list(contactable(Person.objects.all())) == [willing]
    assert contactable(list(Person.objects.order_by("name"))) == [willing]


def test_why_not_contactable_gives_the_reason_contactable_leaves_a_person_out(db):
    reasons = {
        factories.person(consent_to_contact=True): None,
        factories.person(consent_to_contact=False): "has not consented to be contacted",
        factories.person(consent_to_contact=False, email=""): "has not consented to be contacted",
        factories.person(consent_to_contact=True, email=""): "has no email address",
    }
    for person, reason in reasons.items():
        assert why_not_contactable(person) == reason
        assert (contactable([person]) == [person]) is (reason is None)
        assert contactable(Person.objects.filter(pk=person.pk)).exists() is (reason is None)


def test_invitations_go_only_to_people_who_consented(demo_data):
    """Invite the whole of Sofia's demo working group to a planned meeting."""
    roadmap = Roadmap.objects.get(city__name="Sofia")
    people = Person.objects.filter(organisation__city__name="Sofia")
    assert people.filter(consent_to_contact=False).exclude(email="").exists()
    meeting = factories.meeting(roadmap, start=timezone.now() + datetime.timedelta(days=10))
    for person in people:
        Attendance.objects.create(meeting=meeting, person=person, invited=True)
    moderator = factories.user("sofia-moderator", role="moderator", cities=[roadmap.city])
    result = meeting_invitations_send(meeting=meeting, by=moderator)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    wanted = sorted(contactable(people).values_list("email", flat=True))
    assert recipients == wanted
    assert {person.pk for person in result.queued} == set(
        contactable(people).values_list("pk", flat=True)
    )
    skipped = {person.pk for person, _reason in result.skipped}
    assert skipped == set(people.exclude(pk__in=contactable(people)).values_list("pk", flat=True))
    unwilling = set(people.filter(consent_to_contact=False).values_list("email", flat=True))
    assert not unwilling & set(recipients)


def test_every_module_that_sends_email_is_known_to_respect_consent():
    found = set()
    for path in BASE_DIR.rglob("*.py"):
        relative = path.relative_to(BASE_DIR).as_posix()
        if relative.startswith((".venv", "tests/", "scripts/")) or "/migrations/" in relative:
            continue
        if SENDING.search(path.read_text(encoding="utf-8")):
            found.add(relative)
    unknown = found - set(MAIL_SENDERS)
    assert not unknown, (
        f"{sorted(unknown)} send email: make them skip people without consent "
        "(stakeholders.services.contactable), test that, and add them to MAIL_SENDERS"
    )


@pytest.mark.parametrize("module", sorted(MAIL_SENDERS))
def test_known_mail_senders_still_exist(module):
    assert (BASE_DIR / module).is_file()
