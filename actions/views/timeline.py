"""A month-by-month timeline (Gantt) of a roadmap's actions, drawn as SVG by
the server: no charting library, no inline styles (the CSP allows none)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..models import Action
from .common import get_roadmap_for_user

MONTH_WIDTH = 36
LABEL_WIDTH = 320
ROW_HEIGHT = 26
HEADER_HEIGHT = 40
BAR_HEIGHT = ROW_HEIGHT - 8
# A date field holds anything from year 1 to 9999. The grid shows the actions'
# months, but no more than this many years either side of the roadmap's
# period (and today), and never more than MAX_MONTHS in all; bars that run
# beyond are cut at the edge and marked.
MARGIN_MONTHS = 5 * 12
MAX_MONTHS = 20 * 12
CUT_MARK_WIDTH = 6


@dataclass
class Bar:
    action: Action
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


def _month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month_date(number: int) -> datetime.date:
    year, month = divmod(number, 12)
    return datetime.date(year, month + 1, 1)


_FIRST_MONTH = _month_number(datetime.date.min)
_LAST_MONTH = _month_number(datetime.date.max)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def month_window(
    dated: list[tuple[datetime.date, datetime.date]],
    today: datetime.date,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> tuple[int, int]:
    """The first and last month numbers the grid shows, for bars from ``dated``."""
    if dated:
        first = min(_month_number(start) for start, _end in dated)
        last = max(_month_number(end) for _start, end in dated)
    else:
        first = last = _month_number(today)
    anchor_start = _month_number(min(period_start or today, today))
    anchor_end = _month_number(max(period_end or today, today))
    low = max(anchor_start - MARGIN_MONTHS, _FIRST_MONTH)
    high = min(anchor_end + MARGIN_MONTHS, _LAST_MONTH)
    first, last = _clamp(first, low, high), _clamp(last, low, high)
    if last - first + 1 > MAX_MONTHS:
        # Centred on the period and today, or on today if they span too much.
        if anchor_end - anchor_start < MAX_MONTHS:
            centre = (anchor_start + anchor_end) // 2
        else:
            centre = _month_number(today)
        first = _clamp(centre - MAX_MONTHS // 2, first, last - MAX_MONTHS + 1)
        last = first + MAX_MONTHS - 1
    return first, last


def timeline_layout(
    actions: list[Action],
    today: datetime.date,
    *,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> dict:
    spans = {}
    for action in actions:
        start = action.start_date or action.deadline
        end = action.deadline or action.start_date
        if start is not None:
            # A deadline before the start (the form refuses it; old data may not)
            # draws from the earlier to the later.
            spans[action.pk] = (min(start, end), max(start, end))
    first, last = month_window(list(spans.values()), today, period_start, period_end)
    months_count = last - first + 1
    months = [
        {"date": _month_date(number), "x": LABEL_WIDTH + index * MONTH_WIDTH}
        for index, number in enumerate(range(first, last + 1))
    ]
    bars = []
    for row, action in enumerate(actions):
        y = HEADER_HEIGHT + row * ROW_HEIGHT
        span = spans.get(action.pk)
        if span is None:
            bars.append(Bar(action, y, None, 0, False, y + 17))
            continue
        overdue = action.is_overdue(today)
        first_day, last_day = span
        start, end = _month_number(first_day), _month_number(last_day)
        if end < first or start > last:
            outside = "before" if end < first else "after"
            bars.append(
                Bar(action, y, None, 0, overdue, y + 17, first_day, last_day, outside=outside)
            )
            continue
        shown_start, shown_end = max(start, first), min(end, last)
        bars.append(
            Bar(
                action,
                y + 4,
                LABEL_WIDTH + (shown_start - first) * MONTH_WIDTH,
                (shown_end - shown_start + 1) * MONTH_WIDTH,
                overdue,
                y + 17,
                first_day,
                last_day,
                cut_start=start < first,
                cut_end=end > last,
            )
        )
    today_x = None
    if first <= _month_number(today) <= last:
        today_x = (
            LABEL_WIDTH
            + (_month_number(today) - first) * MONTH_WIDTH
            + (MONTH_WIDTH * (today.day - 1) // 31)
        )
    return {
        "months": months,
        "first_month": _month_date(first),
        "last_month": _month_date(last),
        "bars": bars,
        "cut": any(bar.cut_start or bar.cut_end or bar.outside for bar in bars),
        "width": LABEL_WIDTH + months_count * MONTH_WIDTH + 10,
        "height": HEADER_HEIGHT + len(actions) * ROW_HEIGHT + 10,
        "today_x": today_x,
        "label_width": LABEL_WIDTH,
        "month_width": MONTH_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


@require_safe
def roadmap_timeline(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    today = timezone.localdate()
    actions = list(roadmap.actions.select_related("challenge", "lead_partner"))
    layout = timeline_layout(
        actions, today, period_start=roadmap.period_start, period_end=roadmap.period_end
    )
    context = {"roadmap": roadmap, "today": today, **layout}
    return render(request, "actions/timeline.html", context)
