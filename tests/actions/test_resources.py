"""An action's resources: funding lines, pledges and their deliveries: the rules
(funded / secured / gap, needed vs pledged vs delivered, fully pledged), the
database's constraints and the services that write them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from actions import services
from actions.models import (
    Action,
    Delivery,
    FundingLine,
    Pledge,
    ResourceNeeds,
    annotate_funding,
    funding_totals,
    is_fully_pledged,
    needed_pledged_delivered,
    pledge_totals,
    pledges_with_delivered,
)
from tests import factories

D = Decimal


@pytest.fixture
def row(sofia_roadmap, sofia_company):
    return factories.action(
        sofia_roadmap, title="Volunteering platform", lead_partner=sofia_company, budget=D(10000)
    )


def _line(action, amount, status, *, programme="ESF+", funder=None, currency=None):
    return FundingLine.objects.create(
        action=action,
        funder=funder,
        programme="" if funder else programme,
        amount=D(amount),
        currency=currency or action.currency,
        status=status,
    )


def _pledge(action, organisation, amount, kind="cash", unit="EUR", delivered=()):
    pledge = Pledge.objects.create(
        action=action, organisation=organisation, kind=kind, unit=unit, amount=D(amount)
    )
    for value in delivered:
        Delivery.objects.create(pledge=pledge, amount=D(value))
    return pledge


# --- The rules -------------------------------------------------------------------------


def test_funded_secured_and_gap_of_an_action(row):
    _line(row, 2000, "planned")
    _line(row, 1500, "requested")
    _line(row, 3000, "secured")
    _line(row, 1000, "received")
    # Another currency than the action's is not added to its money.
    _line(row, 999, "secured", currency="BGN")
    action = annotate_funding(Action.objects.filter(pk=row.pk)).get()
    assert action.funded == D(7500)
    assert action.secured == D(4000)
    assert action.funding_gap == D(6000)


def test_gap_never_below_zero_and_unknown_without_a_cost(row, sofia_roadmap):
    _line(row, 12000, "received")
    unpriced = factories.action(sofia_roadmap, title="No estimate yet")
    _line(unpriced, 500, "secured")
    actions = {a.pk: a for a in annotate_funding(Action.objects.all())}
    assert actions[row.pk].funding_gap == D(0)
    assert actions[unpriced.pk].funding_gap is None
    assert actions[unpriced.pk].secured == D(500)


def test_roadmap_totals_equal_the_sums_of_the_lines(sofia, sofia_roadmap, vratsa_roadmap):
    """A mixed roadmap: two challenges and none, two currencies, every status."""
    inclusion = factories.challenge(sofia_roadmap, title="Inclusion")
    climate = factories.challenge(sofia_roadmap, title="Climate")
    actions = [
        factories.action(sofia_roadmap, challenge=inclusion, budget=D(10000)),
        factories.action(sofia_roadmap, challenge=inclusion, budget=D(4000)),
        factories.action(sofia_roadmap, challenge=climate, budget=D(5000), currency="BGN"),
        factories.action(sofia_roadmap, challenge=climate, budget=None),
        factories.action(sofia_roadmap, challenge=None, budget=D(800)),
    ]
    statuses = ["planned", "requested", "secured", "received"]
    for i, action in enumerate(actions):
        for j in range(i + 1):
            _line(action, 700 * (j + 1) + i, statuses[(i + j) % 4])
    # Over-funded: its surplus does not fill another action's gap.
    _line(actions[1], 9000, "received")
    # Another roadmap's lines stay out.
    _line(factories.action(vratsa_roadmap, budget=D(1)), 5, "received")

    totals = funding_totals(Action.objects.filter(roadmap=sofia_roadmap))

    lines = list(FundingLine.objects.filter(action__roadmap=sofia_roadmap))
    secured = [line for line in lines if line.status in ("secured", "received")]
    expected = {}
    for action in actions:
        key = (action.challenge_id, action.currency)
        cost, funded, got, gap = expected.get(key, (D(0), D(0), D(0), D(0)))
        own = sum((line.amount for line in secured if line.action_id == action.pk), D(0))
        expected[key] = (
            cost + (action.budget or 0),
            funded + sum((line.amount for line in lines if line.action_id == action.pk), D(0)),
            got + own,
            gap + (max(action.budget - own, D(0)) if action.budget is not None else 0),
        )
    found = {
        (challenge, currency): (t.cost, t.funded, t.secured, t.gap)
        for challenge, by_currency in totals.by_challenge.items()
        for currency, t in by_currency.items()
    }
    assert found == expected
    assert set(totals.total) == {"EUR", "BGN"}
    eur = totals.total["EUR"]
    assert eur.cost == D(10000 + 4000 + 800)
    assert eur.secured == sum((line.amount for line in secured if line.currency == "EUR"), D(0))
    assert eur.gap == sum(v[3] for k, v in expected.items() if k[1] == "EUR")


def test_needed_pledged_and_delivered_per_kind(row, sofia_company, sofia):
    ngo = factories.organisation(sofia, "Green NGO")
    _line(row, 4000, "secured")
    _pledge(row, sofia_company, 3000, delivered=[1000, 500])
    _pledge(row, ngo, 1000, delivered=[1000])
    _pledge(row, ngo, 40, kind="volunteer_hours", unit="hours", delivered=[16])
    _pledge(row, sofia_company, 3, kind="pro_bono", unit="days")
    totals = pledge_totals(Pledge.objects.filter(action=row))
    needs = ResourceNeeds.of(currency="EUR", funding_gap=D(6000), people_days=D(10))
    rows = {(r.kind, r.unit): r for r in needed_pledged_delivered(needs=needs, totals=totals)}
    cash = rows[("cash", "EUR")]
    assert (cash.needed, cash.pledged, cash.delivered) == (D(6000), D(4000), D(2500))
    hours = rows[("volunteer_hours", "hours")]
    assert (hours.needed, hours.pledged, hours.delivered) == (None, D(40), D(16))
    days = rows[("pro_bono", "days")]
    assert (days.needed, days.pledged, days.delivered) == (D(10), D(3), D(0))
    # The ledger's sum, per pledge, in SQL.
    delivered = {p.amount: p.delivered for p in pledges_with_delivered(Pledge.objects.all())}
    assert delivered[D(3000)] == D(1500)


def test_fully_pledged_needs_every_stated_need_covered(row, sofia_company):
    needs = ResourceNeeds.of(currency="EUR", funding_gap=D(1000), people_days=D(2))
    pledges = Pledge.objects.filter(action=row)
    assert not is_fully_pledged(needs=needs, totals=pledge_totals(pledges))
    _pledge(row, sofia_company, 1000)
    assert not is_fully_pledged(needs=needs, totals=pledge_totals(pledges))
    # 16 hours of volunteers are the two people-days.
    _pledge(row, sofia_company, 16, kind="volunteer_hours", unit="hours")
    assert is_fully_pledged(needs=needs, totals=pledge_totals(pledges))
    # Pledges in another currency do not cover a cash gap in euros.
    other = ResourceNeeds.of(currency="BGN", funding_gap=D(1), people_days=None)
    assert not is_fully_pledged(needs=other, totals=pledge_totals(pledges))


def test_fully_pledged_counts_as_necessary_resources_for_measurable(row, sofia_company):
    row.budget = None
    row.save()
    factories.indicator(row, baseline=0, target=5)
    row.deadline = datetime.date(2030, 1, 1)
    row.save()
    assert row.missing_for_measurable() == ["necessary resources"]
    row.resources_fully_pledged = True
    assert row.missing_for_measurable() == []
    assert "necessary resources" in Action.measurable_gaps(
        lead_partner_id=1,
        deadline=row.deadline,
        resources="",
        budget=None,
        people_days=None,
        indicators=[(0, 5)],
        fully_pledged=False,
    )


# --- The database's constraints ----------------------------------------------------------


@pytest.mark.parametrize(
    "kind, unit, fits",
    [
        ("cash", "EUR", True),
        ("cash", "hours", False),
        ("volunteer_hours", "days", True),
        ("volunteer_hours", "BGN", False),
        ("in_kind", "pieces", True),
        ("premises", "EUR", False),
        ("pro_bono", "hours", True),
    ],
)
def test_the_database_refuses_a_unit_that_does_not_fit_the_kind(
    row, sofia_company, kind, unit, fits
):
    if fits:
        _pledge(row, sofia_company, 1, kind=kind, unit=unit)
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        _pledge(row, sofia_company, 1, kind=kind, unit=unit)


def test_the_database_refuses_negative_amounts_and_two_or_no_funders(row, sofia_company):
    for make in (
        lambda: _line(row, -1, "planned"),
        lambda: _pledge(row, sofia_company, -5),
        lambda: Delivery.objects.create(pledge=_pledge(row, sofia_company, 5), amount=D(-1)),
        lambda: FundingLine.objects.create(
            action=row, funder=sofia_company, programme="ESF+", amount=1, status="planned"
        ),
        lambda: FundingLine.objects.create(action=row, amount=1, status="planned"),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            make()


# --- The services ------------------------------------------------------------------------


def test_funding_line_create_update_delete_keep_history(row, editor, sofia_company):
    line = services.funding_line_create(
        action=row,
        data={"funder": sofia_company, "amount": D(2500), "status": "requested"},
        by=editor,
    )
    assert (line.currency, line.version) == ("EUR", 1)
    line = services.funding_line_update(
        funding_line=line, data={"status": "secured"}, by=editor, expected_version=1
    )
    assert line.version == 2
    services.funding_line_delete(funding_line=line, by=editor, expected_version=2)
    assert not FundingLine.objects.exists()
    history = FundingLine.history.filter(id=line.pk).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user for h in history} == {editor}
    assert [h.status for h in history] == ["requested", "secured", "secured"]


def test_funding_line_update_refuses_a_lost_update(row, editor):
    line = services.funding_line_create(
        action=row, data={"programme": "ESF+", "amount": D(1)}, by=editor
    )
    services.funding_line_update(
        funding_line=line, data={"amount": D(2)}, by=editor, expected_version=1
    )
    with pytest.raises(ValidationError) as refused:
        services.funding_line_update(
            funding_line=line, data={"amount": D(3)}, by=editor, expected_version=1
        )
    assert refused.value.code == "conflict"
    with pytest.raises(ValidationError):
        services.funding_line_delete(funding_line=line, by=editor, expected_version=1)
    line.refresh_from_db()
    assert (line.amount, line.version) == (D(2), 2)


def test_funding_line_update_that_changes_nothing_keeps_the_version(row, editor):
    line = services.funding_line_create(
        action=row, data={"programme": "ESF+", "amount": D(1)}, by=editor
    )
    same = services.funding_line_update(
        funding_line=line, data={"amount": D(1)}, by=editor, expected_version=1
    )
    assert same.version == 1
    assert FundingLine.history.filter(id=line.pk).count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"programme": "ESF+", "amount": D(-1)}, "amount", "The amount cannot be negative."),
        (
            {"programme": "", "amount": D(1)},
            "programme",
            "Name the funder: an organisation or a programme, not both.",
        ),
        (
            {"programme": "ESF+", "amount": D(1), "currency": "BGN"},
            "currency",
            "A funding line is in its action's currency (EUR).",
        ),
    ],
)
def test_funding_line_bad_input_is_refused_with_a_message(row, editor, data, field, message):
    with pytest.raises(ValidationError) as refused:
        services.funding_line_create(action=row, data=data, by=editor)
    assert message in refused.value.message_dict[field]
    assert not FundingLine.objects.exists()


def test_funder_of_another_city_is_refused(row, editor, vratsa):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    with pytest.raises(ValidationError) as refused:
        services.funding_line_create(
            action=row, data={"funder": outsider, "amount": D(1)}, by=editor
        )
    assert "funder" in refused.value.message_dict


def test_pledge_by_an_organisation_outside_the_working_group_is_refused(row, editor, vratsa):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    data = {"organisation": outsider, "kind": "cash", "amount": D(100), "unit": "EUR"}
    with pytest.raises(ValidationError) as refused:
        services.pledge_create(action=row, data=data, by=editor)
    assert refused.value.message_dict["organisation"] == [
        "Only organisations of the roadmap's city or of its working group may pledge to "
        "its actions."
    ]
    assert not Pledge.objects.exists()


def test_a_member_of_another_city_in_the_working_group_may_pledge(row, editor, sofia, vratsa):
    from stakeholders.models import Membership

    guest = factories.organisation(vratsa, "Vratsa Chamber")
    Membership.objects.create(city=sofia, organisation=guest)
    data = {"organisation": guest, "kind": "pro_bono", "amount": D(3), "unit": "days"}
    assert services.pledge_create(action=row, data=data, by=editor).organisation == guest


def test_pledge_unit_not_matching_kind_names_the_units(row, editor, sofia_company):
    data = {"organisation": sofia_company, "kind": "volunteer_hours", "amount": 4, "unit": "EUR"}
    with pytest.raises(ValidationError) as refused:
        services.pledge_create(action=row, data=data, by=editor)
    assert refused.value.message_dict == {
        "unit": ["A pledge of volunteer hours is counted in: hours, days."]
    }


def test_pledge_update_refuses_a_lost_update_and_keeps_history(row, editor, sofia_company):
    data = {"organisation": sofia_company, "kind": "cash", "amount": D(100), "unit": "EUR"}
    pledge = services.pledge_create(action=row, data=data, by=editor)
    pledge = services.pledge_update(
        pledge=pledge, data={"amount": D(150)}, by=editor, expected_version=1
    )
    assert pledge.version == 2
    with pytest.raises(ValidationError):
        services.pledge_update(pledge=pledge, data={"amount": D(1)}, by=editor, expected_version=1)
    pledge.refresh_from_db()
    assert pledge.amount == D(150)
    assert [h.history_user for h in Pledge.history.filter(id=pledge.pk)] == [editor, editor]


def test_pledge_keeps_its_organisation_once_delivered(row, editor, sofia_company, sofia):
    pledge = _pledge(row, sofia_company, 10, delivered=[5])
    other = factories.organisation(sofia, "Green NGO")
    with pytest.raises(ValidationError) as refused:
        services.pledge_update(
            pledge=pledge, data={"organisation": other}, by=editor, expected_version=1
        )
    assert "organisation" in refused.value.message_dict


def test_delivery_larger_than_its_pledge_is_recorded_with_a_warning(row, editor, sofia_company):
    pledge = _pledge(row, sofia_company, 100)
    first = services.delivery_record(pledge=pledge, data={"amount": D(60)}, by=editor)
    assert first.warnings == []
    second = services.delivery_record(
        pledge=pledge, data={"amount": D(50), "note": "more chairs"}, by=editor
    )
    assert second.delivered == D(110)
    assert second.warnings == [
        "Recorded. More is delivered now (110 EUR) than was pledged (100 EUR)."
    ]
    # A ledger: two lines, nothing overwritten, each with its author.
    assert list(pledge.deliveries.values_list("amount", flat=True)) == [D(60), D(50)]
    assert {h.history_user for h in Delivery.history.all()} == {editor}


def test_negative_delivery_is_refused_and_nothing_is_written(row, editor, sofia_company):
    pledge = _pledge(row, sofia_company, 100)
    with pytest.raises(ValidationError) as refused:
        services.delivery_record(pledge=pledge, data={"amount": D(-1)}, by=editor)
    assert refused.value.message_dict == {"amount": ["The amount cannot be negative."]}
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("role", ["partner", "other_editor"])
def test_only_the_citys_staff_write_resources(request, row, sofia_company, role):
    user = request.getfixturevalue(role)
    pledge = _pledge(row, sofia_company, 100)
    line = _line(row, 5, "planned")
    attempts = [
        lambda: services.funding_line_create(
            action=row, data={"programme": "X", "amount": 1}, by=user
        ),
        lambda: services.funding_line_update(
            funding_line=line, data={"amount": 2}, by=user, expected_version=1
        ),
        lambda: services.funding_line_delete(funding_line=line, by=user, expected_version=1),
        lambda: services.pledge_create(
            action=row,
            data={"organisation": sofia_company, "kind": "cash", "amount": 1, "unit": "EUR"},
            by=user,
        ),
        lambda: services.pledge_update(
            pledge=pledge, data={"amount": 2}, by=user, expected_version=1
        ),
        lambda: services.delivery_record(pledge=pledge, data={"amount": 1}, by=user),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert (FundingLine.objects.count(), Pledge.objects.count(), Delivery.objects.count()) == (
        1,
        1,
        0,
    )


def test_moderator_and_network_admin_write_resources(row, moderator, network_admin):
    for user in (moderator, network_admin):
        services.funding_line_create(action=row, data={"programme": "ESF+", "amount": 1}, by=user)
    assert FundingLine.objects.count() == 2


def test_bad_messages_in_bulgarian(row, editor, sofia_company):
    """A message that the catalogue already holds comes in the user's language."""
    from django.utils import translation

    with translation.override("bg"), pytest.raises(ValidationError) as refused:
        services.pledge_create(
            action=row,
            data={"organisation": 999999, "kind": "cash", "amount": 1, "unit": "EUR"},
            by=editor,
        )
    assert "Непозната организация." in refused.value.message_dict["organisation"]


def test_a_refused_update_writes_nothing(row, editor, vratsa):
    line = services.funding_line_create(
        action=row, data={"programme": "ESF+", "amount": D(1)}, by=editor
    )
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    with pytest.raises(ValidationError) as refused:
        services.funding_line_update(
            funding_line=line,
            data={"funder": outsider, "programme": "", "amount": D(-3)},
            by=editor,
            expected_version=1,
        )
    assert set(refused.value.message_dict) == {"funder", "amount"}
    line.refresh_from_db()
    assert (line.programme, line.amount, line.funder_id, line.version) == ("ESF+", D(1), None, 1)
    assert FundingLine.history.filter(id=line.pk).count() == 1
