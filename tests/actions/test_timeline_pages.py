"""The timeline in pages (issue 15): a window of months and a page of rows, read
as values, with links to earlier and later months and to the other pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.timeline import month_number
from actions.views.table_pages import PER_PAGE
from actions.views.timeline import STEP_MONTHS, WINDOW_MONTHS, window_start
from tests import factories
from tests.actions.test_table_pages import bulk_fill


def _url(roadmap, query: str = "") -> str:
    url = reverse("actions:timeline", args=[roadmap.pk])
    return f"{url}?{query}" if query else url


@pytest.fixture
def organisations(sofia, sofia_company):
    return [sofia_company] + [factories.organisation(sofia) for _ in range(2)]


@pytest.mark.parametrize("size", [200, 2000])
def test_a_page_of_the_timeline_costs_the_same_queries_at_any_size(
    client, editor, sofia_roadmap, organisations, django_assert_num_queries, size
):
    bulk_fill(sofia_roadmap, size, organisations)
    client.force_login(editor)
    url = _url(sofia_roadmap, "page=2")
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 user's groups, 4 city access, 5 user's person,
    # 6 roadmap with city, 7 the roadmap's earliest and latest dates, its number of
    # actions and of overdue ones, 8 the ids of the page's actions, 9 their values.
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["bars"]) == PER_PAGE
    assert response.content.decode().count("<rect x=") <= PER_PAGE + 5
    assert len(response.context["months"]) <= WINDOW_MONTHS


def test_timeline_pages_are_the_tables_order_and_link_to_each_other(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    client.force_login(editor)
    first = client.get(_url(sofia_roadmap))
    third = client.get(_url(sofia_roadmap, "page=3"))
    assert [bar.title for bar in first.context["bars"]] == [f"Row {i:05d}" for i in range(100)]
    assert [bar.title for bar in third.context["bars"]] == [f"Row {i:05d}" for i in range(200, 250)]
    html = first.content.decode()
    assert f'href="{_url(sofia_roadmap, "page=2")}"' in html
    assert "Rows 1–100 of 250." in html
    # Plain links: the timeline is no htmx target.
    assert "hx-get" not in html
    # The overdue of the whole roadmap are counted, those of the page listed.
    overdue = sofia_roadmap.actions.overdue().count()
    assert first.context["overdue_total"] == overdue
    assert f"{overdue} actions of the roadmap are overdue" in html
    assert f"{reverse('actions:roadmap', args=[sofia_roadmap.pk])}?due=overdue" in html


def test_earlier_and_later_months_move_the_window_by_a_year(client, editor, sofia_roadmap):
    today = timezone.localdate()
    factories.action(
        sofia_roadmap,
        title="Long",
        start_date=today - datetime.timedelta(days=365 * 4),
        deadline=today + datetime.timedelta(days=365 * 4),
    )
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap))
    months = response.context["months"]
    assert len(months) == WINDOW_MONTHS
    # Opens a year before today's month, today in view.
    assert month_number(months[0]["date"]) == month_number(today) - STEP_MONTHS
    assert response.context["today_x"] is not None
    earlier, later = response.context["earlier"], response.context["later"]
    assert earlier and later
    moved = client.get(earlier)
    assert month_number(moved.context["months"][0]["date"]) == (
        month_number(today) - 2 * STEP_MONTHS
    )
    assert month_number(client.get(later).context["months"][0]["date"]) == month_number(today)
    # The page of rows stays when the months move, and the months when the page does.
    assert "page=2" in client.get(_url(sofia_roadmap, "page=2")).context["later"]


def test_a_month_out_of_reach_or_not_a_month_gives_the_nearest_window():
    today = datetime.date(2026, 6, 15)
    first, last = month_number(datetime.date(2020, 1, 1)), month_number(datetime.date(2030, 12, 1))
    for wanted, start in [
        ("1900-01", first),
        ("2099-01", last - WINDOW_MONTHS + 1),
        ("2024-13", month_number(today) - STEP_MONTHS),
        ("rubbish", month_number(today) - STEP_MONTHS),
        (None, month_number(today) - STEP_MONTHS),
        ("2022-03", month_number(datetime.date(2022, 3, 1))),
    ]:
        assert window_start(wanted, first=first, last=last, today=today) == start
    # Fewer months than a window: all of them.
    assert window_start("2022-03", first=first, last=first + 5, today=today) == first


def test_a_roadmap_that_fits_the_window_has_no_earlier_or_later(client, editor, sofia_roadmap):
    sofia_roadmap.period_start = sofia_roadmap.period_end = None
    sofia_roadmap.save()
    today = timezone.localdate()
    factories.action(sofia_roadmap, title="Soon", start_date=today, deadline=today)
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, "from=1999-01"))
    assert response.status_code == 200
    assert response.context["earlier"] is None and response.context["later"] is None
    assert response.context["pages"]["several"] is False


@pytest.mark.parametrize("visibility", ["private", "partners", "public"])
@pytest.mark.parametrize(
    "role", ["editor", "moderator", "other_editor", "partner", "network_admin", "anonymous"]
)
def test_timeline_page_two_and_other_months_for_every_role(
    client, request, sofia_roadmap, organisations, role, visibility
):
    bulk_fill(sofia_roadmap, 150, organisations, challenges=1)
    sofia_roadmap.visibility = visibility
    sofia_roadmap.save()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(_url(sofia_roadmap, "page=2&from=2021-01"))
    reads = {
        "private": {"editor", "moderator", "network_admin"},
        "partners": {"editor", "moderator", "network_admin", "partner"},
        "public": {"editor", "moderator", "network_admin", "partner", "other_editor", "anonymous"},
    }[visibility]
    if role not in reads:
        expected = 302 if role == "anonymous" else 404
        assert response.status_code == expected
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 00100" in html and "Row 00099" not in html
    # The partner's company leads some of the rows: it imports its updates (issue 16).
    assert (reverse("actions:import", args=[sofia_roadmap.pk]) in html) is (
        role in ("editor", "moderator", "network_admin", "partner")
    )
