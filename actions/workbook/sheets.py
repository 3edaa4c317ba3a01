"""The workbook's sheets after the Action Table: Timeline, Indicators and
Partners (the Meetings sheet is the meetings app's, ``meetings.workbook``).
Each reads what it shows in a fixed number of streamed queries; none shows a
person, only organisations."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

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
    SPAN_OVERDUE,
    Cells,
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
MONTH_WIDTH = 4.5
# The upright month header ("03.2021" in bold) is this many points high.
MONTH_HEADER_POINTS = 48.0


def write_timeline(
    cells: Cells,
    actions: QuerySet,
    today: datetime.date,
    period: tuple[datetime.date | None, datetime.date | None] = (None, None),
) -> None:
    first, last, _counts = months_of(actions, today, period=period, max_months=MAX_TIMELINE_MONTHS)
    months = last - first + 1

    ws = cells.ws
    cells.set_widths((40, 12, 12, *([MONTH_WIDTH] * months)))
    ws.freeze_panes = f"D{TIMELINE_HEADER_ROW + 1}"
    # The legend: each colour named in a cell of that colour, as the page shows them.
    cells.append(
        [
            cells.text(_("planned or in progress"), SPAN),
            cells.text(label("overdue"), SPAN_OVERDUE),
            cells.text(_("done"), SPAN_DONE),
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
    for title, start, deadline, status in rows:
        row = [cells.text(title), cells.value(start), cells.value(deadline)]
        begin, end = start or deadline, deadline or start
        if begin is not None:
            if Action.overdue_on(deadline=deadline, status=status, today=today):
                style = SPAN_OVERDUE
            elif status == Action.Status.DONE:
                style = SPAN_DONE
            else:
                style = SPAN
            # Cut to the grid: a span wholly outside it fills no cell.
            from_index = max(month_number(min(begin, end)) - first, 0)
            to_index = min(month_number(max(begin, end)) - first, months - 1)
            if from_index <= to_index:
                row.extend([None] * from_index)
                row.extend(cells.styled(style) for _month in range(from_index, to_index + 1))
        cells.append(row)


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
