"""The workbook's sheets after the Action Table: Timeline, Indicators and
Partners (the Meetings sheet is the meetings app's, ``meetings.workbook``).
Each reads what it shows in a fixed number of streamed queries; none shows a
person, only organisations."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, Max, Min, QuerySet
from openpyxl.utils import get_column_letter

from stakeholders.models import Organisation

from ..models import Action, Indicator
from ..timeline import month_date, month_number, month_window
from .cells import (
    CUT_MARK,
    MAX_CELL_TEXT,
    MONTH,
    SPAN,
    SPAN_OVERDUE,
    Cells,
)
from .labels import label

# The most months of the Timeline sheet (actions.timeline.month_window): nobody
# reads a Gantt of decades in a spreadsheet. The timeline page shows more.
MAX_TIMELINE_MONTHS = 120
CHUNK_SIZE = 2000


def write_timeline(
    cells: Cells,
    actions: QuerySet,
    today: datetime.date,
    period: tuple[datetime.date | None, datetime.date | None] = (None, None),
) -> None:
    bounds = actions.order_by().aggregate(
        first_start=Min("start_date"),
        first_deadline=Min("deadline"),
        last_start=Max("start_date"),
        last_deadline=Max("deadline"),
    )
    firsts = [d for d in (bounds["first_start"], bounds["first_deadline"]) if d]
    lasts = [d for d in (bounds["last_start"], bounds["last_deadline"]) if d]
    first, last = month_window(
        min(firsts, default=None),
        max(lasts, default=None),
        today,
        period=period,
        max_months=MAX_TIMELINE_MONTHS,
    )
    months = last - first + 1

    ws = cells.ws
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12
    for index in range(months):
        ws.column_dimensions[get_column_letter(4 + index)].width = 8
    ws.freeze_panes = "D2"
    header = [cells.header(label(key)) for key in ("title", "start_date", "deadline")]
    header.extend(cells.value(month_date(first + index), MONTH) for index in range(months))
    ws.append(header)

    rows = actions.values_list("title", "start_date", "deadline", "status").iterator(
        chunk_size=CHUNK_SIZE
    )
    for title, start, deadline, status in rows:
        row = [cells.text(title), cells.value(start), cells.value(deadline)]
        begin, end = start or deadline, deadline or start
        if begin is not None:
            overdue = Action.overdue_on(deadline=deadline, status=status, today=today)
            style = SPAN_OVERDUE if overdue else SPAN
            # Cut to the grid: a span wholly outside it fills no cell.
            from_index = max(month_number(min(begin, end)) - first, 0)
            to_index = min(month_number(max(begin, end)) - first, months - 1)
            if from_index <= to_index:
                row.extend([None] * from_index)
                row.extend(cells.styled(style) for _ in range(from_index, to_index + 1))
        ws.append(row)


def write_indicators(cells: Cells, actions: QuerySet) -> None:
    ws = cells.ws
    keys = ("title", "id", "indicator", "unit", "baseline", "target", "current", "source")
    for index, width in enumerate((36, 8, 30, 14, 14, 14, 14, 24), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([cells.header(label(key)) for key in keys])
    rows = (
        Indicator.objects.filter(action__in=actions.order_by().values("pk"))
        .order_by(
            F("action__challenge__position").asc(nulls_last=True),
            "action__position",
            "action_id",
            "position",
            "pk",
        )
        .values_list(
            "action__title", "action_id", "name", "unit", "baseline", "target", "current", "source"
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for title, action_id, name, unit, baseline, target, current, source in rows:
        ws.append(
            [
                cells.text(title),
                cells.value(action_id),
                cells.text(name),
                cells.text(unit),
                cells.value(baseline),
                cells.value(target),
                cells.value(current),
                cells.text(source),
            ]
        )


class CellLines:
    """Lines of one cell, kept only up to what a cell can hold (bounded memory)."""

    def __init__(self):
        self.lines: list[str] = []
        self.length = 0
        self.cut = False

    def add(self, line: str) -> None:
        if self.length + len(line) + 1 > MAX_CELL_TEXT - len(CUT_MARK):
            self.cut = True
            return
        self.lines.append(line)
        self.length += len(line) + 1

    def text(self) -> str:
        return "\n".join(self.lines) + (CUT_MARK if self.cut else "")


def write_partners(cells: Cells, actions: QuerySet) -> None:
    """Each organisation involved in the actions, with what it leads and partners."""
    ws = cells.ws
    keys = ("organisation", "kind", "sector", "website", "leads", "partners_in")
    for index, width in enumerate((32, 22, 20, 28, 50, 50), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([cells.header(label(key)) for key in keys])
    leads: dict[int, CellLines] = defaultdict(CellLines)
    partnered: dict[int, CellLines] = defaultdict(CellLines)
    led = actions.filter(lead_partner__isnull=False).values_list("lead_partner_id", "title")
    for organisation_id, title in led.iterator(chunk_size=CHUNK_SIZE):
        leads[organisation_id].add(title)
    through = Action.key_partners.through.objects.filter(
        action__in=actions.order_by().values("pk")
    ).order_by("action__challenge__position", "action__position", "action_id")
    pairs = through.values_list("organisation_id", "action__title")
    for organisation_id, title in pairs.iterator(chunk_size=CHUNK_SIZE):
        partnered[organisation_id].add(title)
    organisations = Organisation.objects.filter(pk__in=set(leads) | set(partnered)).order_by(
        "name", "pk"
    )
    for organisation in organisations.only("pk", "name", "kind", "sector", "website"):
        ws.append(
            [
                cells.text(organisation.name),
                cells.text(organisation.get_kind_display()),
                cells.text(organisation.sector),
                cells.text(organisation.website),
                cells.text(leads[organisation.pk].text() if organisation.pk in leads else ""),
                cells.text(
                    partnered[organisation.pk].text() if organisation.pk in partnered else ""
                ),
            ]
        )
