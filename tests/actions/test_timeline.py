"""The timeline page (and the workbook's Timeline sheet) with actions dated
anywhere a date field allows: the month grid stays a readable window around
the roadmap's period, and bars that run past its edges say so."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from actions.timeline import MARGIN_MONTHS, month_date, month_number, month_window
from actions.views.timeline import MAX_MONTHS, WINDOW_MONTHS
from actions.workbook.sheets import MAX_TIMELINE_MONTHS
from tests import factories
from tests.actions.test_workbook_export import download

FAR_PAST = datetime.date(1900, 1, 1)
FAR_FUTURE = datetime.date(9999, 12, 31)


@pytest.fixture
def far_dates(sofia_roadmap):
    """The roadmap runs 2021-2023; one row is dated 1900 to 9999, others far away."""
    return {
        "everything": factories.action(
            sofia_roadmap, title="Forever", start_date=FAR_PAST, deadline=FAR_FUTURE
        ),
        "in_period": factories.action(
            sofia_roadmap,
            title="In the period",
            start_date=datetime.date(2022, 3, 1),
            deadline=datetime.date(2022, 6, 30),
        ),
        "long_ago": factories.action(
            sofia_roadmap, title="Long ago", start_date=FAR_PAST, deadline=datetime.date(1901, 1, 1)
        ),
        "far_ahead": factories.action(
            sofia_roadmap, title="Far ahead", start_date=FAR_FUTURE, deadline=FAR_FUTURE
        ),
    }


def timeline(client, user, roadmap, **query):
    client.force_login(user)
    return client.get(reverse("actions:timeline", args=[roadmap.pk]), query)


def test_far_dates_keep_the_month_grid_to_a_window_around_the_period(
    client, editor, sofia_roadmap, far_dates
):
    response = timeline(client, editor, sofia_roadmap)
    assert response.status_code == 200
    # The months the timeline reaches hold the roadmap's period, not 1900 or 9999.
    reach_first, reach_last = response.context["reach_first"], response.context["reach_last"]
    assert reach_first <= datetime.date(2021, 1, 1) and reach_last >= datetime.date(2023, 12, 1)
    assert reach_first.year > 1900 and reach_last.year < 9999
    # A page shows a window of them, with the way to the others.
    assert len(response.context["months"]) == WINDOW_MONTHS
    assert len(response.content) < 200_000
    assert response.context["width"] < 400 + (MAX_MONTHS + 1) * response.context["month_width"]
    period = timeline(client, editor, sofia_roadmap, **{"from": "2021-01"})
    months = period.context["months"]
    assert months[0]["date"] == datetime.date(2021, 1, 1)
    assert months[-1]["date"] == datetime.date(2023, 12, 1)


def test_bars_running_off_the_window_are_marked_at_its_edges(
    client, editor, sofia_roadmap, far_dates
):
    response = timeline(client, editor, sofia_roadmap, **{"from": "2021-01"})
    bars = {bar.title: bar for bar in response.context["bars"]}
    left = response.context["label_width"]
    right = response.context["width"] - 10

    forever = bars["Forever"]
    assert (forever.cut_start, forever.cut_end) == (True, True)
    assert forever.x == left and forever.x + forever.width == right

    inside = bars["In the period"]
    assert (inside.cut_start, inside.cut_end) == (False, False)
    assert left < inside.x and inside.x + inside.width < right

    # Wholly outside the window: no bar, a note on which side it lies.
    assert bars["Long ago"].x is None and bars["Long ago"].outside == "before"
    assert bars["Far ahead"].x is None and bars["Far ahead"].outside == "after"
    html = response.content.decode()
    assert "before the months shown" in html and "after the months shown" in html
    assert html.count('class="timeline-cut"') == 2


def test_timeline_of_a_roadmap_without_a_period_is_a_window_around_today(
    client, editor, sofia_roadmap, far_dates
):
    sofia_roadmap.period_start = sofia_roadmap.period_end = None
    sofia_roadmap.save()
    response = timeline(client, editor, sofia_roadmap)
    assert response.status_code == 200
    assert len(response.context["months"]) <= MAX_MONTHS


def test_timeline_of_a_roadmap_of_eight_thousand_years_is_capped(
    client, editor, sofia_roadmap, far_dates
):
    sofia_roadmap.period_start, sofia_roadmap.period_end = FAR_PAST, FAR_FUTURE
    sofia_roadmap.save()
    response = timeline(client, editor, sofia_roadmap)
    assert response.status_code == 200
    reach = response.context["reach_first"], response.context["reach_last"]
    assert month_number(reach[1]) - month_number(reach[0]) + 1 == MAX_MONTHS
    assert len(response.context["months"]) == WINDOW_MONTHS


def test_workbook_timeline_sheet_with_far_dates_stays_narrow(
    client, editor, sofia_roadmap, far_dates
):
    client.force_login(editor)
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, sofia_roadmap)))
    sheet = workbook["Timeline"]
    # Title, start, deadline, the months, and the hidden column of the bars' colours.
    assert sheet.max_column <= 3 + MAX_TIMELINE_MONTHS + 1
    header = [cell.value for cell in next(sheet.iter_rows(min_row=3, max_row=3))]
    months = [value for value in header[3:] if value is not None]
    assert months == header[3 : 3 + len(months)]
    assert months[0] <= datetime.datetime(2021, 1, 1)
    assert months[-1] >= datetime.datetime(2023, 12, 1)


TODAY = datetime.date(2022, 5, 17)
PERIOD = (datetime.date(2021, 1, 1), datetime.date(2023, 12, 31))


def window_dates(*args, **kwargs):
    first, last = month_window(*args, **kwargs)
    return month_date(first), month_date(last)


def test_month_window_holds_the_actions_months_when_they_fit():
    window = window_dates(
        datetime.date(2021, 3, 9), datetime.date(2022, 8, 1), TODAY, period=PERIOD, max_months=120
    )
    assert window == (datetime.date(2021, 3, 1), datetime.date(2022, 8, 1))


def test_month_window_without_dated_actions_is_the_month_of_today():
    assert window_dates(None, None, TODAY, max_months=120) == (
        datetime.date(2022, 5, 1),
        datetime.date(2022, 5, 1),
    )


def test_month_window_stops_a_margin_beyond_the_period_and_today():
    first, last = month_window(FAR_PAST, FAR_FUTURE, TODAY, period=PERIOD, max_months=10_000)
    assert first == month_number(PERIOD[0]) - MARGIN_MONTHS
    assert last == month_number(PERIOD[1]) + MARGIN_MONTHS


def test_month_window_caps_the_months_centred_on_the_period():
    first, last = month_window(
        FAR_PAST, FAR_FUTURE, TODAY, period=PERIOD, max_months=MAX_TIMELINE_MONTHS
    )
    assert last - first + 1 == MAX_TIMELINE_MONTHS
    centre = (month_number(PERIOD[0]) + month_number(PERIOD[1])) // 2
    assert first == centre - MAX_TIMELINE_MONTHS // 2
    # The page's cap is wider than the period and its margins: the margins decide.
    first, last = month_window(FAR_PAST, FAR_FUTURE, TODAY, period=PERIOD, max_months=MAX_MONTHS)
    assert last - first + 1 == 36 + 2 * MARGIN_MONTHS < MAX_MONTHS


def test_month_window_of_a_period_longer_than_the_cap_is_centred_on_today():
    first, last = month_window(
        FAR_PAST, FAR_FUTURE, TODAY, period=(FAR_PAST, FAR_FUTURE), max_months=120
    )
    assert (first, last) == (month_number(TODAY) - 60, month_number(TODAY) + 59)


def test_month_window_stays_inside_the_dates_a_field_can_hold():
    assert window_dates(
        datetime.date.min,
        datetime.date(1, 2, 1),
        datetime.date(1, 3, 1),
        max_months=120,
    ) == (datetime.date(1, 1, 1), datetime.date(1, 2, 1))
    first, last = month_window(
        datetime.date(9999, 6, 1), datetime.date.max, datetime.date(9999, 12, 1), max_months=120
    )
    assert month_date(last) == datetime.date(9999, 12, 1)
    assert month_date(first) == datetime.date(9999, 6, 1)


def test_month_window_of_actions_all_beyond_the_margin_shows_the_period_and_today():
    # Both ends would otherwise clamp to the window's first month: one empty month.
    first, last = month_window(
        datetime.date(1900, 1, 1),
        datetime.date(1900, 6, 1),
        datetime.date(2025, 11, 28),
        period=(datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)),
        max_months=240,
    )
    assert month_date(first) == datetime.date(2021, 1, 1)
    assert month_date(last) == datetime.date(2025, 11, 1)


def test_timeline_opens_at_today_with_names_apart_and_a_legend(client, editor, sofia_roadmap):
    today = datetime.date.today()
    factories.action(
        sofia_roadmap,
        title="Dated",
        start_date=today.replace(day=1) - datetime.timedelta(days=400),
        deadline=today + datetime.timedelta(days=400),
    )
    factories.action(sofia_roadmap, title="Undated")
    client.force_login(editor)
    response = client.get(reverse("actions:timeline", args=[sofia_roadmap.pk]))
    html = response.content.decode()
    context = response.context
    # Scrolled to a quarter before today's month.
    assert context["scroll_to"] == context["today_x"] - context["label_width"] - 3 * 36
    assert f'data-scroll-to="{context["scroll_to"]}"' in html
    # The names in their own column, the months in a scrolling one.
    names, chart = html.split('<div class="timeline-scroll"', 1)
    assert "Undated" in names and "no dates" in names
    assert "no dates" not in chart.split("</svg>", 1)[0]
    assert '<rect x="' in chart
    # Every colour explained, grey too; the table page's download button.
    legend = html.split('class="timeline-legend', 1)[1].split("</ul>", 1)[0]
    for colour in ("#198754", "#dc3545", "#6c757d", "#0d6efd"):
        assert colour in legend
    assert reverse("actions:export", args=[sofia_roadmap.pk]) in html
