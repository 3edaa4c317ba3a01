"""Pledges and deliveries in the follow digest: a pledge made, changed or withdrawn
and a delivery recorded on a followed action (or on an action of a followed
roadmap) are in the next day's digest; the follower's own are not."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from actions import services
from actions.models import Delivery, Pledge
from notifications.follows import follow_digests_queue, follow_set
from outbox import services as outbox
from tests import factories

TODAY = datetime.date(2026, 3, 10)
YESTERDAY_NOON = timezone.make_aware(datetime.datetime(2026, 3, 9, 12, 0))


@pytest.fixture
def follower(sofia_company, editor):
    person = factories.person(sofia_company, "Follower", consent_to_contact=True, user=editor)
    outbox.preference_update(person=person, language="en")
    return person


@pytest.fixture
def row(sofia_roadmap):
    return factories.action(sofia_roadmap, title="Cleaner parks")


def _yesterday():
    """Every change so far happened yesterday at noon, a second apart, in order."""
    for model in (Pledge, Delivery):
        for second, record in enumerate(model.history.order_by("history_id")):
            model.history.filter(history_id=record.history_id).update(
                history_date=YESTERDAY_NOON + datetime.timedelta(seconds=second)
            )


def _pledge(row, company, by, amount=500):
    data = {"organisation": company, "kind": "cash", "amount": Decimal(amount), "unit": "EUR"}
    return services.pledge_create(action=row, data=data, by=by)


def _digest() -> str:
    outbox.deliver()
    (message,) = mail.outbox
    return message.body


def test_others_pledges_and_deliveries_are_in_the_digest(
    follower, row, editor, moderator, sofia_company
):
    follow_set(user=editor, action=row, on=True)
    pledge = _pledge(row, sofia_company, moderator)
    pledge = services.pledge_update(
        pledge=pledge,
        data={"amount": Decimal(800)},
        by=moderator,
        expected_version=pledge.version,
    )
    services.delivery_record(
        pledge=pledge,
        data={"amount": Decimal(200), "date": datetime.date(2026, 3, 9)},
        by=moderator,
    )
    _yesterday()

    assert follow_digests_queue(today=TODAY) == 1
    body = _digest()
    company = sofia_company.name
    assert f"pledge of {company} (cash): pledged: 500 EUR" in body
    assert f"pledge of {company} (cash): 500 EUR → 800 EUR" in body
    assert f"pledge of {company} (cash): delivered: 200 EUR (09/03/2026)" in body
    assert "Cleaner parks" in body


def test_ones_own_pledges_and_deliveries_are_not(follower, row, editor, sofia_company):
    follow_set(user=editor, action=row, on=True)
    pledge = _pledge(row, sofia_company, editor)
    services.delivery_record(pledge=pledge, data={"amount": Decimal(50)}, by=editor)
    _yesterday()
    assert follow_digests_queue(today=TODAY) == 0
    assert not mail.outbox


def test_a_followed_roadmap_tells_of_its_actions_pledges_and_a_withdrawn_one(
    follower, row, editor, moderator, sofia_company, sofia_roadmap
):
    follow_set(user=editor, roadmap=sofia_roadmap, on=True)
    pledge = _pledge(row, sofia_company, moderator)
    services.set_history_author(pledge, by=moderator)
    pledge.delete()
    _yesterday()
    assert follow_digests_queue(today=TODAY) == 1
    body = _digest()
    assert "pledged: 500 EUR" in body
    assert f"pledge of {sofia_company.name} (cash): withdrawn" in body
    # A second run the same day sends nothing more.
    assert follow_digests_queue(today=TODAY) == 0


def test_a_pledge_changed_in_its_description_only_says_changed(
    follower, row, editor, moderator, sofia_company
):
    follow_set(user=editor, action=row, on=True)
    pledge = _pledge(row, sofia_company, editor)  # the follower's own
    services.pledge_update(
        pledge=pledge,
        data={"description": "Paid in two parts"},
        by=moderator,
        expected_version=pledge.version,
    )
    _yesterday()
    assert follow_digests_queue(today=TODAY) == 1
    body = _digest()
    assert f"pledge of {sofia_company.name} (cash): changed" in body
    assert "pledged" not in body  # made by the follower


def test_pledges_of_another_day_wait_for_their_digest(
    follower, row, editor, moderator, sofia_company
):
    follow_set(user=editor, action=row, on=True)
    _pledge(row, sofia_company, moderator)
    Pledge.history.update(history_date=YESTERDAY_NOON - datetime.timedelta(days=1))
    assert follow_digests_queue(today=TODAY) == 0


def test_amounts_are_written_as_the_recipients_language_writes_them(
    follower, row, editor, moderator, sofia_company
):
    outbox.preference_update(person=follower, language="bg")
    follow_set(user=editor, action=row, on=True)
    _pledge(row, sofia_company, moderator, amount=1500)
    _yesterday()
    with translation.override("en"):  # the command runs in English; the mail does not
        assert follow_digests_queue(today=TODAY) == 1
    body = _digest()
    assert "1 500" in body.replace("\xa0", " ")
    assert "1,500" not in body
