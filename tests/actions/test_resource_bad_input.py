"""Bad input to an action's resources (issue 16), at every way in: a delivery larger
than its pledge warns and is recorded; a negative amount, a unit or currency that
does not fit, a pledge by an organisation outside the roadmap's working group are
refused with a clear message in the user's language (Bulgarian here, where the
catalogue has it) and nothing is half-written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from actions import services
from actions.models import Delivery, FundingLine, Pledge
from meetings.models import Contribution
from meetings.services import contribution_pledge
from tests import factories

D = Decimal
NEGATIVE = "Сумата не може да бъде отрицателна."
OUTSIDER = "Ангажименти към действията могат да поемат само организации"
MORE = "Записано. Предоставено е повече"


@pytest.fixture
def row(sofia_roadmap):
    return factories.action(sofia_roadmap, title="Платформа", budget=D(5000), currency="BGN")


@pytest.fixture
def pledge(row, sofia_company):
    return Pledge.objects.create(
        action=row, organisation=sofia_company, kind="cash", amount=D(100), unit="BGN"
    )


@pytest.fixture
def outsider(vratsa):
    return factories.organisation(vratsa, "Vratsa Dairy")


def _state():
    return (
        list(FundingLine.objects.values_list("pk", "amount", "version")),
        list(Pledge.objects.values_list("pk", "amount", "unit", "organisation_id", "version")),
        list(Delivery.objects.values_list("pk", "amount", "version")),
    )


def _refused(attempt) -> dict:
    before = _state()
    with translation.override("bg"), pytest.raises(ValidationError) as refused:
        attempt()
    assert _state() == before, "half-written"
    return refused.value.message_dict


def test_a_delivery_larger_than_its_pledge_warns_and_is_recorded(editor, pledge):
    with translation.override("bg"):
        recorded = services.delivery_record(pledge=pledge, data={"amount": D(150)}, by=editor)
    assert recorded.warnings and recorded.warnings[0].startswith(MORE)
    assert Delivery.objects.get().amount == D(150)
    with translation.override("bg"):
        corrected = services.delivery_update(
            delivery=recorded.delivery, data={"amount": D(180)}, by=editor, expected_version=1
        )
    assert corrected.warnings[0].startswith(MORE)
    assert Delivery.objects.get().amount == D(180)


def test_negative_amounts_are_refused_everywhere(editor, row, pledge, sofia_company):
    delivery = Delivery.objects.create(pledge=pledge, amount=D(5))
    line = FundingLine.objects.create(action=row, programme="ESF+", amount=D(1), currency="BGN")
    attempts = [
        lambda: services.funding_line_create(
            action=row, data={"programme": "ESF+", "amount": D(-1)}, by=editor
        ),
        lambda: services.funding_line_update(
            funding_line=line, data={"amount": D(-1)}, by=editor, expected_version=1
        ),
        lambda: services.pledge_create(
            action=row,
            data={"organisation": sofia_company, "kind": "cash", "amount": D(-1), "unit": "BGN"},
            by=editor,
        ),
        lambda: services.pledge_update(
            pledge=pledge, data={"amount": D(-1)}, by=editor, expected_version=1
        ),
        lambda: services.delivery_record(pledge=pledge, data={"amount": D(-1)}, by=editor),
        lambda: services.delivery_update(
            delivery=delivery, data={"amount": D(-1)}, by=editor, expected_version=1
        ),
    ]
    for attempt in attempts:
        assert _refused(attempt)["amount"] == [NEGATIVE]


def test_a_unit_that_does_not_fit_the_kind_names_the_units(editor, row, pledge, sofia_company):
    for attempt in (
        lambda: services.pledge_create(
            action=row,
            data={
                "organisation": sofia_company,
                "kind": "volunteer_hours",
                "amount": 1,
                "unit": "EUR",
            },
            by=editor,
        ),
        lambda: services.pledge_update(
            pledge=pledge, data={"unit": "hours"}, by=editor, expected_version=1
        ),
    ):
        (message,) = _refused(attempt)["unit"]
        assert message.startswith("Ангажимент за ") and ": " in message


def test_a_funding_line_in_another_currency_than_its_action(editor, row):
    errors = _refused(
        lambda: services.funding_line_create(
            action=row, data={"programme": "ESF+", "amount": D(1), "currency": "EUR"}, by=editor
        )
    )
    assert errors["currency"] == ["Източникът на финансиране е във валутата на действието (BGN)."]


def test_a_pledge_from_outside_the_working_group(editor, row, pledge, outsider):
    for attempt in (
        lambda: services.pledge_create(
            action=row,
            data={"organisation": outsider, "kind": "cash", "amount": 1, "unit": "BGN"},
            by=editor,
        ),
        lambda: services.pledge_update(
            pledge=pledge, data={"organisation": outsider}, by=editor, expected_version=1
        ),
    ):
        assert _refused(attempt)["organisation"][0].startswith(OUTSIDER)


def test_every_error_of_a_pledge_at_once_and_nothing_written(editor, row, outsider):
    errors = _refused(
        lambda: services.pledge_create(
            action=row,
            data={"organisation": outsider, "kind": "cash", "amount": D(-3), "unit": "hours"},
            by=editor,
        )
    )
    assert set(errors) == {"organisation", "amount", "unit"}


def test_a_pledge_from_outside_in_the_meeting_cockpit(moderator, row, outsider, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap)
    contribution = Contribution.objects.create(
        meeting=meeting, position=0, kind="comment", organisation=outsider, text="We give 100"
    )
    errors = _refused(
        lambda: contribution_pledge(
            contribution=contribution,
            by=moderator,
            data={
                "action": row,
                "organisation": outsider,
                "kind": "cash",
                "amount": D(100),
                "unit": "BGN",
                "date": datetime.date(2026, 1, 1),
            },
        )
    )
    assert errors["organisation"][0].startswith(OUTSIDER)
    contribution.refresh_from_db()
    assert contribution.pledge is None and contribution.outcome == "open"


def test_the_pages_say_it_in_the_users_language(client, editor, pledge):
    """Sofia's editor reads Bulgarian: the page's refusal is a 422 with the message."""
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    response = client.post(
        reverse("actions:pledge_edit", args=[pledge.pk]),
        {
            "version": 1,
            "organisation": pledge.organisation_id,
            "kind": "cash",
            "amount": "-5",
            "unit": "BGN",
            "date": pledge.date.isoformat(),
        },
    )
    assert response.status_code == 422
    assert NEGATIVE in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.amount == D(100)
