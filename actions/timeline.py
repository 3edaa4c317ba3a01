"""The months a roadmap's timeline shows: the timeline page and the workbook's
Timeline sheet draw the same window, each with its own most months.

A date field holds anything from year 1 to 9999. The window shows the actions'
months, but no more than MARGIN_MONTHS either side of the roadmap's period (and
today), and never more than the caller's most months in all; bars that run
beyond are cut at its edges."""

from __future__ import annotations

import datetime

from django.db.models import Max, Min, QuerySet

MARGIN_MONTHS = 5 * 12


def month_number(day: datetime.date) -> int:
    """Months since the year 0: consecutive months have consecutive numbers."""
    return day.year * 12 + day.month - 1


def month_date(number: int) -> datetime.date:
    """The first day of the month ``number``."""
    year, month = divmod(number, 12)
    return datetime.date(year, month + 1, 1)


_FIRST_MONTH = month_number(datetime.date.min)
_LAST_MONTH = month_number(datetime.date.max)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def month_window(
    first_day: datetime.date | None,
    last_day: datetime.date | None,
    today: datetime.date,
    *,
    period: tuple[datetime.date | None, datetime.date | None] = (None, None),
    max_months: int,
) -> tuple[int, int]:
    """The first and last month numbers to show, for actions dated from ``first_day``
    to ``last_day`` (None when no action is dated) in a roadmap of ``period``."""
    first = month_number(first_day or today)
    last = max(month_number(last_day or today), first)
    period_start, period_end = period
    anchor_start = month_number(min(period_start or today, today))
    anchor_end = month_number(max(period_end or today, today))
    low = max(anchor_start - MARGIN_MONTHS, _FIRST_MONTH)
    high = min(anchor_end + MARGIN_MONTHS, _LAST_MONTH)
    if last < low or first > high:
        # Every dated action lies beyond the margin: show the period and today
        # rather than the one month at the edge that both ends would clamp to.
        first, last = anchor_start, anchor_end
    first, last = _clamp(first, low, high), _clamp(last, low, high)
    if last - first + 1 > max_months:
        # Centred on the period and today, or on today if they span too much.
        if anchor_end - anchor_start < max_months:
            centre = (anchor_start + anchor_end) // 2
        else:
            centre = month_number(today)
        first = _clamp(centre - max_months // 2, first, last - max_months + 1)
        last = first + max_months - 1
    return first, last


def months_of(
    actions: QuerySet,
    today: datetime.date,
    *,
    period: tuple[datetime.date | None, datetime.date | None] = (None, None),
    max_months: int,
    **counts,
) -> tuple[int, int, dict]:
    """``month_window`` of ``actions``' earliest and latest start or deadline, and
    the aggregates ``counts`` asks for (``total=Count("pk")``), in one query."""
    bounds = actions.order_by().aggregate(
        first_start=Min("start_date"),
        first_deadline=Min("deadline"),
        last_start=Max("start_date"),
        last_deadline=Max("deadline"),
        **counts,
    )
    firsts = [day for day in (bounds["first_start"], bounds["first_deadline"]) if day]
    lasts = [day for day in (bounds["last_start"], bounds["last_deadline"]) if day]
    first, last = month_window(
        min(firsts, default=None),
        max(lasts, default=None),
        today,
        period=period,
        max_months=max_months,
    )
    return first, last, {name: bounds[name] for name in counts}
