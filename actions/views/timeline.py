"""A month-by-month timeline (Gantt) of a roadmap's actions, drawn as SVG by
the server: no charting library, no inline styles (the CSP allows none)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import permissions

from ..models import Action
from ..timeline import month_date, month_number, month_window
from .common import get_roadmap_for_user

MONTH_WIDTH = 36
LABEL_WIDTH = 320
ROW_HEIGHT = 26
HEADER_HEIGHT = 40
BAR_HEIGHT = ROW_HEIGHT - 8
# The most months the grid shows (actions.timeline.month_window); bars that
# run beyond are cut at the edge and marked.
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
    first, last = month_window(
        min((start for start, _end in spans.values()), default=None),
        max((end for _start, end in spans.values()), default=None),
        today,
        period=(period_start, period_end),
        max_months=MAX_MONTHS,
    )
    months_count = last - first + 1
    months = [
        {"date": month_date(number), "x": LABEL_WIDTH + index * MONTH_WIDTH}
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
        start, end = month_number(first_day), month_number(last_day)
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
    # The months open at today, with a quarter before it in view.
    scroll_to = 0
    if layout["today_x"] is not None:
        scroll_to = max(layout["today_x"] - LABEL_WIDTH - 3 * MONTH_WIDTH, 0)
    context = {
        "roadmap": roadmap,
        "today": today,
        "can_edit": permissions.can_edit_roadmap(request.user, roadmap),
        "chart_width": layout["width"] - LABEL_WIDTH,
        "scroll_to": scroll_to,
        **layout,
    }
    return render(request, "actions/timeline.html", context)
