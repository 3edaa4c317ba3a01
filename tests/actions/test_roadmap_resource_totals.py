"""A roadmap's resources in all: cost, secured and gap per challenge and for the
whole roadmap, pledged and delivered per kind, on the Action Table page (of every
action the filter leaves, not the rows shown), on the dashboard and in the
workbook's Overview; the same sums as the lines, in a fixed number of queries."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import (
    Action,
    Delivery,
    FundingLine,
    Pledge,
    RoadmapResources,
    funding_per_roadmap,
)
from tests import factories

D = Decimal


def _line(action, amount, status, currency=None):
    return FundingLine.objects.create(
        action=action,
        programme="ESF+",
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


@pytest.fixture
def mixed(sofia, sofia_roadmap, sofia_company, vratsa_roadmap):
    """Two challenges and none, two currencies, every status, pledges of three kinds;
    another roadmap's lines that must stay out."""
    inclusion = factories.challenge(sofia_roadmap, title="Inclusion")
    climate = factories.challenge(sofia_roadmap, title="Climate")
    actions = [
        factories.action(sofia_roadmap, challenge=inclusion, budget=D(10000), status="agreed"),
        factories.action(sofia_roadmap, challenge=inclusion, budget=D(4000), status="done"),
        factories.action(sofia_roadmap, challenge=climate, budget=D(5000), currency="BGN"),
        factories.action(sofia_roadmap, challenge=climate, budget=None),
        factories.action(sofia_roadmap, challenge=None, budget=D(800)),
    ]
    statuses = ["planned", "requested", "secured", "received"]
    for i, action in enumerate(actions):
        for j in range(i + 1):
            _line(action, 700 * (j + 1) + i, statuses[(i + j) % 4])
        _pledge(action, sofia_company, 100 + i, delivered=[10, i])
        _pledge(action, sofia_company, 8 * i, kind="volunteer_hours", unit="hours", delivered=[i])
    _pledge(actions[2], sofia_company, 3, kind="in_kind", unit="pieces", delivered=[5])
    _line(actions[1], 9000, "received")  # over-funded
    other = factories.action(vratsa_roadmap, budget=D(1))
    _line(other, 5, "received")
    _pledge(other, factories.organisation(vratsa_roadmap.city), 7, delivered=[7])
    return actions


def _expected(actions):
    """Cost, funded, secured, gap per (challenge, currency), added up in Python."""
    expected = {}
    for action in actions:
        lines = list(FundingLine.objects.filter(action=action))
        lines = [line for line in lines if line.currency == action.currency]
        own = sum((line.amount for line in lines if line.is_secured), D(0))
        key = (action.challenge_id, action.currency)
        cost, funded, secured, gap = expected.get(key, (D(0),) * 4)
        expected[key] = (
            cost + (action.budget or 0),
            funded + sum((line.amount for line in lines), D(0)),
            secured + own,
            gap + (max(action.budget - own, D(0)) if action.budget is not None else 0),
        )
    return expected


def _whole(expected, currency):
    return tuple(
        sum((v[i] for k, v in expected.items() if k[1] == currency), D(0)) for i in range(4)
    )


def _pledged(actions):
    sums = {}
    for pledge in Pledge.objects.filter(action__in=actions):
        pledged, delivered = sums.get((pledge.kind, pledge.unit), (D(0), D(0)))
        ledger = sum((d.amount for d in pledge.deliveries.all()), D(0))
        sums[(pledge.kind, pledge.unit)] = (pledged + pledge.amount, delivered + ledger)
    return sums


def test_totals_equal_the_sums_of_the_lines_on_a_mixed_roadmap(mixed, sofia_roadmap):
    totals = RoadmapResources.of(sofia_roadmap.actions.all())
    expected = _expected(mixed)
    found = {
        (challenge, currency): (t.cost, t.funded, t.secured, t.gap)
        for challenge, by_currency in totals.funding.by_challenge.items()
        for currency, t in by_currency.items()
    }
    assert found == expected
    for line in totals.funding.total_list:
        assert (line.cost, line.funded, line.secured, line.gap) == _whole(expected, line.currency)
    assert {(row.kind, row.unit): (row.pledged, row.delivered) for row in totals.per_kind} == (
        _pledged(mixed)
    )


def test_totals_add_up_actions_without_lines_beside_those_with(mixed, sofia_roadmap):
    """The cost of every action comes from one query and the lines' sums from another,
    of the actions with a line only (resource_totals._grouped_funding): an action
    without a line counts its whole cost as its gap, in a challenge with lined actions
    and in one without; lines in another currency fund nothing."""
    inclusion, climate = mixed[0].challenge, mixed[2].challenge
    bare = factories.challenge(sofia_roadmap, title="Nothing funded")
    more = [
        factories.action(sofia_roadmap, challenge=inclusion, budget=D(1234)),
        factories.action(sofia_roadmap, challenge=inclusion, budget=None),
        factories.action(sofia_roadmap, challenge=climate, budget=D(50), currency="BGN"),
        factories.action(sofia_roadmap, challenge=bare, budget=D(300)),
        factories.action(sofia_roadmap, challenge=bare, budget=D(20), currency="BGN"),
        factories.action(sofia_roadmap, challenge=None, budget=D(7)),
    ]
    _line(more[4], 500, "received", currency="EUR")  # not its currency
    totals = RoadmapResources.of(sofia_roadmap.actions.all())
    expected = _expected(mixed + more)
    found = {
        (challenge, currency): (t.cost, t.funded, t.secured, t.gap)
        for challenge, by_currency in totals.funding.by_challenge.items()
        for currency, t in by_currency.items()
    }
    assert found == expected
    for line in totals.funding.total_list:
        assert (line.cost, line.funded, line.secured, line.gap) == _whole(expected, line.currency)
    per_roadmap = funding_per_roadmap(Action.objects.filter(roadmap=sofia_roadmap))
    assert {
        t.currency: (t.cost, t.funded, t.secured, t.gap) for t in per_roadmap[sofia_roadmap.pk]
    } == {t.currency: (t.cost, t.funded, t.secured, t.gap) for t in totals.funding.total_list}


def _page(client, user, roadmap, **query):
    client.force_login(user)
    return client.get(reverse("actions:roadmap", args=[roadmap.pk]), query)


def test_the_table_page_shows_the_totals_per_challenge_and_in_all(
    client, editor, mixed, sofia_roadmap
):
    response = _page(client, editor, sofia_roadmap)
    assert response.status_code == 200
    total = {line.currency: line for line in response.context["funding_total"]}
    expected = _expected(mixed)
    assert (total["EUR"].cost, total["EUR"].gap) == _whole(expected, "EUR")[::3]
    titles = [c.title if c else None for c, _lines in response.context["funding_per_challenge"]]
    assert titles == ["Inclusion", "Climate", None]
    body = response.content.decode()
    assert 'id="resource-totals"' in body
    assert "Whole roadmap" in body or "Цялата пътна карта" in body


def test_the_page_totals_follow_the_filter_not_the_rows_shown(client, editor, mixed, sofia_roadmap):
    response = _page(client, editor, sofia_roadmap, status="done")
    total = {line.currency: line for line in response.context["funding_total"]}
    done = [action for action in mixed if action.status == "done"]
    assert set(total) == {"EUR"}
    assert (total["EUR"].cost, total["EUR"].funded, total["EUR"].secured, total["EUR"].gap) == (
        _whole(_expected(done), "EUR")
    )
    per_kind = {
        (r.kind, r.unit): (r.pledged, r.delivered) for r in response.context["pledged_per_kind"]
    }
    assert per_kind == _pledged(done)


def test_a_roadmap_with_no_cost_and_no_pledge_shows_no_totals(client, editor, sofia_roadmap):
    factories.action(sofia_roadmap, budget=None)
    response = _page(client, editor, sofia_roadmap)
    assert 'id="resource-totals"' not in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "moderator", "partner"])
def test_who_reads_the_page_sees_the_totals(request, client, mixed, sofia_roadmap, role):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    response = _page(client, request.getfixturevalue(role), sofia_roadmap)
    assert response.status_code == 200
    assert 'id="resource-totals"' in response.content.decode()


def _fill(roadmap, organisation, size):
    challenges = [factories.challenge(roadmap) for _ in range(3)]
    for i in range(size):
        action = factories.action(roadmap, challenge=challenges[i % 3], budget=D(100 + i))
        _line(action, 50, "secured")
        _pledge(action, organisation, 10, delivered=[3])


@pytest.mark.parametrize("size", [5, 50])
def test_table_page_queries_do_not_grow_with_lines_and_pledges(
    client, editor, sofia_company, sofia_roadmap, django_assert_num_queries, size
):
    _fill(sofia_roadmap, sofia_company, size)
    client.force_login(editor)
    url = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 groups, 4 city access, 5 person, 6 roadmap with city,
    # 7 the rows of each challenge with the roadmap's counts, 8 the ids of the
    # page's rows, 9 those actions with their lead partner, 10 their indicators,
    # 11 challenges, 12 key partners' names, 13 whether the user follows the
    # roadmap, 14 the filter's challenge choices, 15 its organisation choices (one
    # for both selects), 16 cost, secured and gap per challenge, 17 pledged per kind,
    # 18 the funded, secured and gap of the actions with funding lines
    # (resource_totals._grouped_funding; 16 is now the cost of all).
    with django_assert_num_queries(18):
        response = client.get(url)
    assert response.context["funding_total"][0].cost == sum(D(100 + i) for i in range(size))


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_shows_each_roadmaps_totals_in_fixed_queries(
    client, editor, sofia, sofia_company, sofia_roadmap, size
):
    _fill(sofia_roadmap, sofia_company, size)
    second = factories.roadmap(sofia, title="Second")
    _fill(second, sofia_company, 2)
    client.force_login(editor)
    client.get(reverse("dashboard"))
    # 1 session, 2 user, 3 groups, 4 city access, 5 person, 6 my roadmaps with their
    # counts, 7 their cost, secured and gap, 8 overdue, 9 due soon, 10 the next
    # meeting, 11 recent partner updates (issue 16), 12 the funded, secured and gap of
    # the actions with funding lines (resource_totals._grouped_funding; 7 is now the
    # cost of all).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert len(queries) == 12, "\n".join(q["sql"] for q in queries.captured_queries)
    funding = {roadmap.pk: lines for roadmap, lines in response.context["funding"]}
    assert funding[sofia_roadmap.pk][0].cost == sum(D(100 + i) for i in range(size))
    assert funding[sofia_roadmap.pk][0].secured == D(50 * size)
    assert funding[second.pk][0].gap == D(100 - 50 + 101 - 50)
    assert 'id="roadmap-funding"' in response.content.decode()


def test_dashboard_leaves_out_roadmaps_with_nothing_costed(client, editor, sofia_roadmap):
    factories.action(sofia_roadmap, budget=None)
    client.force_login(editor)
    response = client.get(reverse("dashboard"))
    assert response.context["funding"] == []
    assert 'id="roadmap-funding"' not in response.content.decode()


def _overview_rows(roadmap):
    from django.utils import translation

    from actions.workbook.export import export_queryset, write_workbook

    out = io.BytesIO()
    with translation.override("en"):
        write_workbook(roadmap, export_queryset(roadmap.actions.all()), out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Overview"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _money(row):
    return tuple(D(str(value)) for value in row[2:6])


def test_the_overview_sheet_holds_the_same_totals(mixed, sofia_roadmap):
    rows = _overview_rows(sofia_roadmap)
    expected = _expected(mixed)
    whole = {row[1]: _money(row) for row in rows if row[0] == "Whole roadmap"}
    assert whole == {"EUR": _whole(expected, "EUR"), "BGN": _whole(expected, "BGN")}
    inclusion = [_money(row) for row in rows if row[0] == "Inclusion" and row[1] == "EUR"]
    assert inclusion == [expected[(mixed[0].challenge_id, "EUR")]]
    unassigned = [_money(r) for r in rows if r[0] == "Not assigned to a challenge" and r[2]]
    assert unassigned == [expected[(None, "EUR")]]
    hours = [(D(str(r[2])), D(str(r[3]))) for r in rows if r[0] == "volunteer hours"]
    assert hours == [_pledged(mixed)[("volunteer_hours", "hours")]]
