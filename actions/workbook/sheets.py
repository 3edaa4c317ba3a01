"""The workbook's sheets after the Action Table: Timeline, Indicators and
Partners (the Meetings sheet is the meetings app's, ``meetings.workbook``).
Each reads what it shows in a fixed number of streamed queries; none shows a
person, only organisations."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension

from stakeholders.models import Organisation

from ..models import Action, Indicator
from ..timeline import month_date, month_number, months_of
from .cells import (
    CUT_MARK,
    MAX_CELL_TEXT,
    MONTH_HEADER,
    MONTH_NOW,
    NOW,
    SPAN,
    SPAN_DONE,
    SPAN_DONE_FILL,
    SPAN_FILL,
    SPAN_OVERDUE,
    SPAN_OVERDUE_FILL,
    Cells,
    rule_fill,
)
from .labels import label
from .resource_sheets import PartnerSums

# The most months of the Timeline sheet (actions.timeline.month_window): nobody
# reads a Gantt of decades in a spreadsheet. The timeline page shows more.
MAX_TIMELINE_MONTHS = 120
CHUNK_SIZE = 2000
# The Timeline's legend (two rows) and its header, printed on every page.
TIMELINE_HEADER_ROW = 3
TIMELINE_TITLE_ROWS = f"1:{TIMELINE_HEADER_ROW}"
# The first month's column (D): title, start and deadline before it.
TIMELINE_FIRST_MONTH = 4
MONTH_WIDTH = 4.5
# The upright month header ("03.2021" in bold) is this many points high.
MONTH_HEADER_POINTS = 48.0


def write_timeline(
    cells: Cells,
    actions: QuerySet,
    today: datetime.date,
    period: tuple[datetime.date | None, datetime.date | None] = (None, None),
) -> None:
    """The Timeline: an action a row, its title, start and deadline, and a month a column.

    The bars are conditional formatting over the empty month grid (``add_bar_rules``), not a
    cell per month: a month is coloured where it lies between the row's start and deadline.
    What colour is the row's, written once in a hidden column after the grid: the legend's
    own text for an overdue (``Action.overdue_on``) or a done action, nothing for the rest.
    """
    first, last, _counts = months_of(actions, today, period=period, max_months=MAX_TIMELINE_MONTHS)
    months = last - first + 1

    ws = cells.ws
    cells.set_widths((40, 12, 12, *([MONTH_WIDTH] * months)))
    kind_letter = get_column_letter(TIMELINE_FIRST_MONTH + months)
    ws.column_dimensions[kind_letter] = ColumnDimension(ws, index=kind_letter, hidden=True)
    ws.freeze_panes = f"D{TIMELINE_HEADER_ROW + 1}"
    # The legend: each colour named in a cell of that colour, as the page shows them.
    overdue, done = label("overdue"), _("done")
    cells.append(
        [
            cells.text(_("planned or in progress"), SPAN),
            cells.text(overdue, SPAN_OVERDUE),
            cells.text(done, SPAN_DONE),
        ]
    )
    cells.append([cells.text(_("the current month"), NOW)])
    header = [cells.header(label(key)) for key in ("title", "start_date", "deadline")]
    now = month_number(today)
    header.extend(
        cells.value(month_date(first + index), MONTH_NOW if first + index == now else MONTH_HEADER)
        for index in range(months)
    )
    cells.append(header, height=MONTH_HEADER_POINTS)

    rows = actions.values_list("title", "start_date", "deadline", "status").iterator(
        chunk_size=CHUNK_SIZE
    )
    grid = [None] * months
    overdue_cell, done_cell = cells.text(overdue), cells.text(done)
    for title, start, deadline, status in rows:
        row = [cells.text(title), cells.value(start), cells.value(deadline)]
        if start is not None or deadline is not None:
            if Action.overdue_on(deadline=deadline, status=status, today=today):
                row.extend((*grid, overdue_cell))
            elif status == Action.Status.DONE:
                row.extend((*grid, done_cell))
        cells.append(row)
    if cells.rows > TIMELINE_HEADER_ROW:
        add_bar_rules(ws, months, last_row=cells.rows)


def add_bar_rules(ws, months: int, *, last_row: int) -> None:
    """Colour the Timeline's bars: over the month grid (from ``TIMELINE_FIRST_MONTH``, the
    rows after the header), a month whose first day (its header) lies from the first of
    the month of the row's earlier date to its later date (start and deadline, either one
    alone where the other is missing); red where the hidden column after the grid holds
    the legend's "overdue", grey where it holds "done", green otherwise. The first true
    rule colours the month, in Excel and in LibreOffice alike."""
    first_row = TIMELINE_HEADER_ROW + 1
    first_letter = get_column_letter(TIMELINE_FIRST_MONTH)
    last_letter = get_column_letter(TIMELINE_FIRST_MONTH + months - 1)
    kind = f"${get_column_letter(TIMELINE_FIRST_MONTH + months)}{first_row}"
    month = f"{first_letter}${TIMELINE_HEADER_ROW}"
    dates = f"$B{first_row}:$C{first_row}"
    span = f"{month}>=DATE(YEAR(MIN({dates})),MONTH(MIN({dates})),1),{month}<=MAX({dates})"
    grid = f"{first_letter}{first_row}:{last_letter}{last_row}"
    # The legend's cells: B1 names the overdue colour, C1 the done one (write_timeline).
    for formula, fill in (
        (f"AND({kind}=$B$1,{span})", SPAN_OVERDUE_FILL),
        (f"AND({kind}=$C$1,{span})", SPAN_DONE_FILL),
        (f"AND({span})", SPAN_FILL),
    ):
        ws.conditional_formatting.add(
            grid, FormulaRule(formula=[formula], stopIfTrue=True, fill=rule_fill(fill))
        )


# The Indicators sheet's columns. Its current values come back in through the
# import (import_indicators): a line is the indicator of its ID, at the version of
# its action (a change of an indicator is a change of the row).
INDICATOR_COLUMNS: tuple[tuple[str, int], ...] = (
    ("title", 36),
    ("action_id", 10),
    ("indicator", 30),
    ("unit", 14),
    ("baseline", 14),
    ("target", 14),
    ("current", 14),
    ("source", 24),
    ("id", 8),
    ("version", 9),
)


def write_indicators(cells: Cells, actions: QuerySet) -> None:
    ws = cells.ws
    cells.set_widths([width for _key, width in INDICATOR_COLUMNS])
    ws.freeze_panes = "A2"
    cells.append([cells.header(label(key)) for key, _width in INDICATOR_COLUMNS])
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
            "action__title",
            "action_id",
            "name",
            "unit",
            "baseline",
            "target",
            "current",
            "source",
            "pk",
            "action__version",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for title, action_id, name, unit, baseline, target, current, source, pk, version in rows:
        cells.append(
            [
                cells.text(title),
                cells.value(action_id),
                cells.text(name),
                cells.text(unit),
                cells.value(baseline),
                cells.value(target),
                cells.value(current),
                cells.text(source),
                cells.value(pk),
                cells.value(version),
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
    """Each organisation involved in the actions, with what it leads and partners,
    and what it pledged and delivered (``PartnerSums``)."""
    ws = cells.ws
    keys = ("organisation", "kind", "sector", "website", "leads", "partners_in")
    # What each organisation pledged and delivered, a pair of columns per unit.
    sums = PartnerSums(actions)
    cells.set_widths((32, 22, 20, 28, 50, 50, *([14] * (2 * len(sums.units)))))
    ws.freeze_panes = "A2"
    cells.append(
        [cells.header(label(key)) for key in keys] + [cells.header(h) for h in sums.headers()]
    )
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
    organisations = Organisation.objects.filter(
        pk__in=set(leads) | set(partnered) | sums.organisation_ids
    ).order_by("name", "pk")
    for organisation in organisations.only("pk", "name", "kind", "sector", "website"):
        cells.append(
            [
                cells.text(organisation.name),
                cells.text(organisation.get_kind_display()),
                cells.text(organisation.sector),
                cells.text(organisation.website),
                cells.text(leads[organisation.pk].text() if organisation.pk in leads else ""),
                cells.text(
                    partnered[organisation.pk].text() if organisation.pk in partnered else ""
                ),
                *(cells.value(value) for value in sums.values(organisation.pk)),
            ]
        )
