"""A month-by-month timeline (Gantt) of a roadmap's actions, drawn as SVG by
the server: no charting library, no inline styles (the CSP allows none).

Like the Action Table it shows a page of rows (a hundred, in table order) and a
window of months (three years) with links to earlier and later months and to the
other pages, read as plain values: what it costs does not grow with the roadmap.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import permissions

from ..models import Action
from ..timeline import month_date, month_number, months_of
from .common import get_roadmap_for_user
from .table_pages import PAGE_PARAM, page_links, table_page

MONTH_WIDTH = 36
LABEL_WIDTH = 320
ROW_HEIGHT = 26
HEADER_HEIGHT = 40
BAR_HEIGHT = ROW_HEIGHT - 8
# The most months the timeline reaches (actions.timeline.month_window); bars that
# run beyond are cut at the edge and marked.
MAX_MONTHS = 20 * 12
# The months a page shows at once, and how far "earlier" and "later" move them.
WINDOW_MONTHS = 36
STEP_MONTHS = 12
# The query parameter of the window's first month ("2025-01").
FROM_PARAM = "from"
CUT_MARK_WIDTH = 6
# What a bar shows of its action.
ROW_FIELDS = ("pk", "title", "status", "start_date", "deadline")


@dataclass
class Bar:
    """One action's row of the timeline, from its values (``ROW_FIELDS``)."""

    title: str
    url: str
    status: str
    status_label: str
    start_date: datetime.date | None
    deadline: datetime.date | None
    y: int
    x: int | None
    width: int
    overdue: bool
    label_y: int
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    cut_start: bool = False
    cut_end: bool = False
    # "before" or "after" the months shown, for a dated action wholly outside them.
    outside: str = ""

    @property
    def cut_marks(self) -> list[str]:
        """SVG polygon points of the notches marking a bar cut at an edge."""
        if self.x is None:
            return []
        top, bottom, middle = self.y, self.y + BAR_HEIGHT, self.y + BAR_HEIGHT // 2
        marks = []
        if self.cut_start:
            marks.append(f"{self.x},{top} {self.x + CUT_MARK_WIDTH},{middle} {self.x},{bottom}")
        if self.cut_end:
            right = self.x + self.width
            marks.append(f"{right},{top} {right - CUT_MARK_WIDTH},{middle} {right},{bottom}")
        return marks


def _span(row: dict) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of a row's bar: its start to its deadline, either alone
    when the other is missing, none when undated. A deadline before the start (the
    form refuses it; old data may not) draws from the earlier to the later."""
    start = row["start_date"] or row["deadline"]
    end = row["deadline"] or row["start_date"]
    if start is None:
        return None
    return min(start, end), max(start, end)


def timeline_layout(rows: list[dict], today: datetime.date, *, first: int, last: int) -> dict:
    """Where the bars of ``rows`` (actions read as values of ``ROW_FIELDS``) go in the
    months ``first`` to ``last`` (month numbers)."""
    statuses = dict(Action.Status.choices)
    url_prefix, url_suffix = reverse("actions:action", args=[2147483647]).split("2147483647")
    months = [
        {"date": month_date(number), "x": LABEL_WIDTH + index * MONTH_WIDTH}
        for index, number in enumerate(range(first, last + 1))
    ]
    bars = []
    for index, row in enumerate(rows):
        y = HEADER_HEIGHT + index * ROW_HEIGHT
        values = {
            "title": row["title"],
            "url": f"{url_prefix}{row['pk']}{url_suffix}",
            "status": row["status"],
            "status_label": str(statuses.get(row["status"], row["status"])),
            "start_date": row["start_date"],
            "deadline": row["deadline"],
        }
        span = _span(row)
        if span is None:
            bars.append(Bar(**values, y=y, x=None, width=0, overdue=False, label_y=y + 17))
            continue
        overdue = Action.overdue_on(deadline=row["deadline"], status=row["status"], today=today)
        first_day, last_day = span
        start, end = month_number(first_day), month_number(last_day)
        common = {
            "overdue": overdue,
            "label_y": y + 17,
            "first_day": first_day,
            "last_day": last_day,
        }
        if end < first or start > last:
            outside = "before" if end < first else "after"
            bars.append(Bar(**values, y=y, x=None, width=0, outside=outside, **common))
            continue
        shown_start, shown_end = max(start, first), min(end, last)
        bars.append(
            Bar(
                **values,
                y=y + 4,
                x=LABEL_WIDTH + (shown_start - first) * MONTH_WIDTH,
                width=(shown_end - shown_start + 1) * MONTH_WIDTH,
                cut_start=start < first,
                cut_end=end > last,
                **common,
            )
        )
    today_x = None
    if first <= month_number(today) <= last:
        today_x = (
            LABEL_WIDTH
            + (month_number(today) - first) * MONTH_WIDTH
            + (MONTH_WIDTH * (today.day - 1) // 31)
        )
    return {
        "months": months,
        "first_month": month_date(first),
        "last_month": month_date(last),
        "bars": bars,
        "cut": any(bar.cut_start or bar.cut_end or bar.outside for bar in bars),
        "width": LABEL_WIDTH + (last - first + 1) * MONTH_WIDTH + 10,
        "height": HEADER_HEIGHT + len(rows) * ROW_HEIGHT + 10,
        "today_x": today_x,
        "label_width": LABEL_WIDTH,
        "month_width": MONTH_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def roadmap_months(roadmap, today: datetime.date) -> tuple[int, int, dict]:
    """The months the roadmap's timeline reaches (``month_window`` of its earliest and
    latest dates), with how many actions it has and how many are overdue: one query."""
    return months_of(
        roadmap.actions.all(),
        today,
        period=(roadmap.period_start, roadmap.period_end),
        max_months=MAX_MONTHS,
        # Not of the id, which PostgreSQL keeps in no index but the primary key's: with
        # the dates and the status, all from the index action_roadmap_deadline. An
        # overdue action has a deadline, so counting deadlines counts the same rows.
        total=Count("*"),
        overdue=Count("deadline", filter=Action.overdue_condition(today)),
    )


def window_start(wanted: str | None, *, first: int, last: int, today: datetime.date) -> int:
    """The first month of the window shown: the ``wanted`` month ("2025-01") or else a
    year before today's, kept inside the months the timeline reaches."""
    latest_start = max(first, last - WINDOW_MONTHS + 1)
    start = month_number(today) - STEP_MONTHS
    match = re.fullmatch(r"(\d{4})-(\d{2})", wanted or "")
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
        start = month_number(datetime.date(int(match[1]), int(match[2]), 1))
    return max(first, min(start, latest_start))


def _month_param(number: int) -> str:
    return month_date(number).strftime("%Y-%m")


def _timeline_url(path: str, query, **changes) -> str:
    query = query.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return f"{path}?{query.urlencode()}" if query else path


@require_safe
def roadmap_timeline(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    today = timezone.localdate()
    reach_first, reach_last, counts = roadmap_months(roadmap, today)
    first = window_start(
        request.GET.get(FROM_PARAM), first=reach_first, last=reach_last, today=today
    )
    last = min(first + WINDOW_MONTHS - 1, reach_last)
    rows = roadmap.actions.in_table_order().values(*ROW_FIELDS)
    page = table_page(rows, request.GET.get(PAGE_PARAM), count=counts["total"])
    layout = timeline_layout(list(page.object_list), today, first=first, last=last)
    # The months open at today, with a quarter before it in view.
    scroll_to = 0
    if layout["today_x"] is not None:
        scroll_to = max(layout["today_x"] - LABEL_WIDTH - 3 * MONTH_WIDTH, 0)
    path = reverse("actions:timeline", args=[roadmap.pk])
    query = request.GET.copy()
    query[FROM_PARAM] = _month_param(first)
    if first == window_start(None, first=reach_first, last=reach_last, today=today):
        del query[FROM_PARAM]
    context = {
        "roadmap": roadmap,
        "today": today,
        "can_edit": permissions.can_edit_roadmap(request.user, roadmap),
        "can_import": permissions.can_import_workbook(request.user, roadmap),
        "chart_width": layout["width"] - LABEL_WIDTH,
        "scroll_to": scroll_to,
        "reach_first": month_date(reach_first),
        "reach_last": month_date(reach_last),
        "earlier": (
            _timeline_url(
                path, query, **{FROM_PARAM: _month_param(max(first - STEP_MONTHS, reach_first))}
            )
            if first > reach_first
            else None
        ),
        "later": (
            _timeline_url(path, query, **{FROM_PARAM: _month_param(first + STEP_MONTHS)})
            if last < reach_last
            else None
        ),
        "pages": page_links(page, query, path=path),
        "total": counts["total"],
        "overdue_total": counts["overdue"],
        **layout,
    }
    return render(request, "actions/timeline.html", context)
