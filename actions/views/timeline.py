"""A month-by-month timeline (Gantt) of a roadmap's actions, drawn as SVG by
the server: no charting library, no inline styles (the CSP allows none)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone

from ..models import Action
from .common import get_roadmap_for_user

MONTH_WIDTH = 36
LABEL_WIDTH = 320
ROW_HEIGHT = 26
HEADER_HEIGHT = 40


@dataclass
class Bar:
    action: Action
    y: int
    x: int | None
    width: int
    overdue: bool
    label_y: int


def _month_index(first: datetime.date, day: datetime.date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def timeline_layout(actions: list[Action], today: datetime.date) -> dict:
    dated = [a for a in actions if a.start_date or a.deadline]
    if dated:
        first_day = min(a.start_date or a.deadline for a in dated)
        last_day = max(a.deadline or a.start_date for a in dated)
    else:
        first_day = last_day = today
    first = first_day.replace(day=1)
    months_count = _month_index(first, last_day) + 1
    months = []
    for i in range(months_count):
        year, month = divmod(first.month - 1 + i, 12)
        months.append(
            {
                "date": datetime.date(first.year + year, month + 1, 1),
                "x": LABEL_WIDTH + i * MONTH_WIDTH,
            }
        )
    bars = []
    for row, action in enumerate(actions):
        y = HEADER_HEIGHT + row * ROW_HEIGHT
        start = action.start_date or action.deadline
        end = action.deadline or action.start_date
        if start is None:
            bars.append(Bar(action, y, None, 0, False, y + 17))
            continue
        x = LABEL_WIDTH + _month_index(first, start) * MONTH_WIDTH
        width = (_month_index(start, end) + 1) * MONTH_WIDTH
        bars.append(Bar(action, y + 4, x, width, action.is_overdue(today), y + 17))
    today_x = None
    if first <= today <= months[-1]["date"].replace(day=28) + datetime.timedelta(days=4):
        today_x = (
            LABEL_WIDTH
            + _month_index(first, today) * MONTH_WIDTH
            + (MONTH_WIDTH * (today.day - 1) // 31)
        )
    return {
        "months": months,
        "bars": bars,
        "width": LABEL_WIDTH + months_count * MONTH_WIDTH + 10,
        "height": HEADER_HEIGHT + len(actions) * ROW_HEIGHT + 10,
        "today_x": today_x,
        "label_width": LABEL_WIDTH,
        "month_width": MONTH_WIDTH,
        "bar_height": ROW_HEIGHT - 8,
    }


def roadmap_timeline(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    today = timezone.localdate()
    actions = list(roadmap.actions.select_related("challenge", "lead_partner"))
    context = {"roadmap": roadmap, "today": today, **timeline_layout(actions, today)}
    return render(request, "actions/timeline.html", context)
