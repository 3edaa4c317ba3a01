"""Write a roadmap's workbook: Overview, Action Table, Timeline, Indicators,
Partners, Funding, Pledges, and the sheets other apps add (the meetings app its Meetings), in the
language that is active.

The workbook is written in openpyxl's write-only mode: rows stream to
temporary files as they are appended. Measured with tracemalloc on 5,000
rows of the Action Table (18 columns): write-only peaks at 0.8 MB, the normal
mode at 31 MB (and 4 MB against 302 MB for 50,000 rows), so write-only it is.
Actions are read as plain values in chunks, with their key partners and
indicators read per chunk: three queries per chunk of rows, a fixed number for
any roadmap up to CHUNK_SIZE rows, and memory that does not grow with the row
count.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Protocol

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import Action, Indicator, Roadmap
from . import printing, resource_sheets, sheets
from .cells import (
    PERCENT,
    TEXT,
    TEXT_OVERDUE,
    VALUE,
    VALUE_OVERDUE,
    Cells,
    add_styles,
)
from .labels import LISTS_SHEET, label

CHUNK_SIZE = 2000

# The Action Table's columns, in order: (key, width). The action's title
# leads, as the row's name: it is the one column frozen (pane B2), so that a
# partner scrolling right through the sheet always sees which action a cell is
# about, as the table page leads with it too. The six columns of the seed follow
# it, before anything else; ID and version come last so that the file can come
# back in. The importer reads columns by their headers, in any order.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("title", 36),
    ("activity_type", 22),
    ("expected_results", 40),
    ("resources", 30),
    ("lead_partner", 24),
    ("key_partners", 30),
    ("deadline", 12),
    ("status", 14),
    ("progress", 10),
    ("indicators", 32),
    ("start_date", 12),
    ("challenge", 26),
    ("description", 40),
    ("budget", 14),
    ("currency", 10),
    ("people_days", 11),
    ("in_kind", 26),
    ("id", 8),
    ("version", 9),
)
COLUMN_KEYS = tuple(key for key, _width in COLUMNS)
# What the Action Table prints, one page wide: the columns of the table page, from
# the action to its start. All nineteen on one A4 page would print at a third of
# their size (3.5 pt); these at half. The print area is a setting of the file,
# which a partner who wants every column on paper clears in Excel or LibreOffice.
PRINTED_COLUMNS = f"A1:{get_column_letter(COLUMN_KEYS.index('start_date') + 1)}1048576"


@dataclass
class TableStats:
    """What the Overview reports, counted while the Action Table streams."""

    total: int = 0
    complete: int = 0
    per_status: Counter = field(default_factory=Counter)
    per_challenge: Counter = field(default_factory=Counter)


def export_queryset(actions: QuerySet, *, sorted_by_user: bool = False) -> QuerySet:
    """The rows to export, grouped by challenge (unassigned last) unless the user sorted."""
    if sorted_by_user:
        return actions
    return actions.order_by(
        F("challenge__position").asc(nulls_last=True), "challenge_id", "position", "pk"
    )


def workbook_filename(roadmap: Roadmap, day: datetime.date) -> str:
    from django.utils.text import slugify

    city = slugify(roadmap.city.name, allow_unicode=True) or "city"
    return f"roadmap-{city}-{day.isoformat()}.xlsx"


def write_workbook(
    roadmap: Roadmap,
    actions: QuerySet,
    out: IO[bytes],
    *,
    filter_description: str = "",
    now: datetime.datetime | None = None,
    extra_sheets: Sequence[SheetWriter] = (),
) -> TableStats:
    """Write the workbook of ``roadmap`` showing ``actions`` (ordered) to ``out``,
    with ``extra_sheets`` after the Pledges sheet (``registered_sheets()``)."""
    now = timezone.localtime(now)
    today = now.date()
    wb = Workbook(write_only=True)
    styles = add_styles(wb)
    # Write-only sheets must be created in their final order; each streams to
    # its own temporary file, so the Overview can be filled in last.
    overview = wb.create_sheet(label("sheet_overview"))
    table = wb.create_sheet(label("sheet_actions"))
    timeline = wb.create_sheet(label("sheet_timeline"))
    indicators = wb.create_sheet(label("sheet_indicators"))
    partners = wb.create_sheet(label("sheet_partners"))
    funding = wb.create_sheet(label("sheet_funding"))
    pledges = wb.create_sheet(label("sheet_pledges"))
    extra = [(sheet, wb.create_sheet(sheet.title())) for sheet in extra_sheets]
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"

    for ws, title_rows, title_cols, print_area in (
        (overview, None, None, None),
        (table, "1:1", "A:A", PRINTED_COLUMNS),
        (timeline, sheets.TIMELINE_TITLE_ROWS, "A:A", None),
        (indicators, "1:1", None, None),
        (partners, "1:1", None, None),
        (funding, "1:1", None, None),
        (pledges, "1:1", None, None),
        *((ws, "1:1", None, None) for _sheet, ws in extra),
    ):
        printing.set_up_pages(
            ws,
            roadmap_title=roadmap.title,
            day=today,
            title_rows=title_rows,
            title_cols=title_cols,
            print_area=print_area,
        )

    challenges = dict(roadmap.challenges.values_list("pk", "title"))
    stats = _write_action_table(Cells(table, styles), actions, challenges, today)
    overview_cells = Cells(overview, styles)
    _write_overview(overview_cells, roadmap, stats, challenges, now, filter_description)
    resource_sheets.write_overview_totals(overview_cells, actions, challenges)
    period = (roadmap.period_start, roadmap.period_end)
    sheets.write_timeline(Cells(timeline, styles), actions, today, period)
    sheets.write_indicators(Cells(indicators, styles), actions)
    sheets.write_partners(Cells(partners, styles), actions)
    resource_sheets.write_funding(Cells(funding, styles), actions)
    resource_sheets.write_pledges(Cells(pledges, styles), actions)
    for sheet, ws in extra:
        sheet.write(Cells(ws, styles), roadmap, actions)
    _write_lists(Cells(lists, styles))
    wb.save(out)
    return stats


class SheetWriter(Protocol):
    """A sheet another app adds to the workbook (the meetings app its Meetings)."""

    def title(self) -> str:
        """The sheet's name in the active language."""

    def write(self, cells: Cells, roadmap: Roadmap, actions: QuerySet) -> None:
        """Write the sheet's rows with ``cells.append`` (write-only: ``cells.set_widths``
        and panes first); its header row, the first, prints on every page."""


_registered: list[SheetWriter] = []


def register_sheet(sheet: SheetWriter) -> None:
    """Add ``sheet`` to every roadmap's workbook; an app calls it in its ``ready()``,
    so that the actions app need not import the app that supplies the sheet."""
    if sheet not in _registered:
        _registered.append(sheet)


def registered_sheets() -> list[SheetWriter]:
    """The sheets other apps add to the workbook, in the order they registered."""
    return list(_registered)


def _choices_list(choices) -> list[str]:
    return [str(text) for _value, text in choices]


def _write_lists(cells: Cells) -> None:
    statuses = _choices_list(Action.Status.choices)
    types = _choices_list(Action.ActivityType.choices)
    currencies = [value for value, _text in Action.Currency.choices]
    for row in range(max(len(statuses), len(types), len(currencies))):
        cells.append(
            [
                cells.text(statuses[row]) if row < len(statuses) else None,
                cells.text(types[row]) if row < len(types) else None,
                cells.text(currencies[row]) if row < len(currencies) else None,
            ]
        )


def _dropdown(ws, column_key: str, list_column: str, count: int) -> None:
    letter = get_column_letter(COLUMN_KEYS.index(column_key) + 1)
    validation = DataValidation(
        type="list",
        formula1=f"{LISTS_SHEET}!${list_column}$1:${list_column}${count}",
        allow_blank=True,
        showErrorMessage=True,
    )
    validation.add(f"{letter}2:{letter}1048576")
    ws.data_validations.append(validation)


# What the Action Table sheet reads of each action, as plain values; its key
# partners and indicators come in one query each per chunk. Model instances
# with the two prefetched cost four times as much to read.
_ROW_FIELDS = (
    "pk",
    "title",
    "activity_type",
    "expected_results",
    "resources",
    "lead_partner_id",
    "lead_partner__name",
    "deadline",
    "status",
    "progress",
    "start_date",
    "challenge_id",
    "description",
    "budget",
    "currency",
    "people_days",
    "in_kind",
    "version",
)


def _choice_labels() -> dict[str, dict[str, str]]:
    """The labels of the choices in the active language, looked up once per workbook
    (get_FOO_display rebuilds its dict and translates again for every row)."""
    return {
        name: {value: str(text) for value, text in choices}
        for name, choices in (
            ("activity_type", Action.ActivityType.choices),
            ("status", Action.Status.choices),
        )
    }


def _table_chunks(actions: QuerySet) -> Iterator[tuple[list, dict, dict]]:
    """The rows of ``actions`` (named tuples of _ROW_FIELDS), CHUNK_SIZE at a time,
    with the names of each one's key partners and its indicators, by action id.

    Challenge titles come from a dict; the roadmap and its city are not read per row."""
    rows = actions.values_list(*_ROW_FIELDS, named=True).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row.pk for row in chunk]
        partners = Action.objects.filter(pk__in=ids).key_partner_names()
        indicators: dict[int, list[tuple]] = defaultdict(list)
        for action_id, *indicator in (
            Indicator.objects.filter(action_id__in=ids)
            .order_by("action_id", "position", "pk")
            .values_list("action_id", "name", "unit", "baseline", "target")
        ):
            indicators[action_id].append(indicator)
        yield chunk, partners, indicators


def _cell(cells: Cells, value: object, overdue: bool):
    if isinstance(value, str):
        return cells.text(value, TEXT_OVERDUE if overdue else TEXT)
    return cells.value(value, VALUE_OVERDUE if overdue else VALUE)


def _write_action_table(
    cells: Cells, actions: QuerySet, challenges: dict[int, str], today: datetime.date
) -> TableStats:
    # Widths, frozen panes and validations go into the sheet's XML before the rows.
    ws = cells.ws
    cells.set_widths([width for _key, width in COLUMNS])
    ws.freeze_panes = "B2"
    _dropdown(ws, "status", "A", len(Action.Status.choices))
    _dropdown(ws, "activity_type", "B", len(Action.ActivityType.choices))
    _dropdown(ws, "currency", "C", len(Action.Currency.choices))
    cells.append([cells.header(label(key)) for key in COLUMN_KEYS])
    stats = TableStats()
    activity_types, statuses = _choice_labels().values()
    for chunk, partners, indicators in _table_chunks(actions):
        for row in chunk:
            overdue = Action.overdue_on(deadline=row.deadline, status=row.status, today=today)
            # In the order of COLUMNS.
            values = (
                row.title,
                activity_types.get(row.activity_type, row.activity_type),
                row.expected_results,
                row.resources,
                row.lead_partner__name or "",
                "; ".join(partners.get(row.pk, ())),
                row.deadline,
                statuses.get(row.status, row.status),
                row.progress,
                "\n".join(
                    Indicator.text_of(name=name, unit=unit, baseline=baseline, target=target)
                    for name, unit, baseline, target in indicators[row.pk]
                ),
                row.start_date,
                challenges.get(row.challenge_id, ""),
                row.description,
                row.budget,
                row.currency,
                row.people_days,
                row.in_kind,
                row.pk,
                row.version,
            )
            cells.append([_cell(cells, value, overdue) for value in values])
            stats.total += 1
            stats.complete += not Action.measurable_gaps(
                lead_partner_id=row.lead_partner_id,
                deadline=row.deadline,
                resources=row.resources,
                budget=row.budget,
                people_days=row.people_days,
                indicators=((baseline, target) for _n, _u, baseline, target in indicators[row.pk]),
            )
            stats.per_status[row.status] += 1
            stats.per_challenge[row.challenge_id] += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{stats.total + 1}"
    return stats


def _write_overview(
    cells: Cells,
    roadmap: Roadmap,
    stats: TableStats,
    challenges: dict[int, str],
    now: datetime.datetime,
    filter_description: str,
) -> None:
    ws = cells.ws
    # The resources' totals (resource_sheets) come below, in six columns.
    cells.set_widths((36, 24, 14, 14, 14, 14))
    period = " – ".join(
        day.strftime("%d.%m.%Y") if day else "…"
        for day in (roadmap.period_start, roadmap.period_end)
    )
    share = stats.complete / stats.total if stats.total else 0
    rows: list[list] = [
        [cells.header(label("roadmap")), cells.text(roadmap.title)],
        [cells.text(label("city")), cells.text(str(roadmap.city))],
        [cells.text(label("period")), cells.text(period)],
        [cells.text(label("roadmap_status")), cells.text(roadmap.get_status_display())],
        [cells.text(label("generated_at")), cells.value(now.replace(tzinfo=None))],
        [cells.text(label("filter")), cells.text(filter_description or "—")],
        [cells.text(label("actions_count")), cells.value(stats.total)],
        [cells.text(label("complete")), cells.value(stats.complete)],
        [cells.text(label("complete_share")), cells.value(share, PERCENT)],
        [],
        [cells.header(label("per_status")), cells.header(label("count"))],
    ]
    for row in rows:
        cells.append(row)
    first_status_row = len(rows) + 1
    for value, text in Action.Status.choices:
        cells.append([cells.text(str(text)), cells.value(stats.per_status[value])])
    last_status_row = first_status_row + len(Action.Status.choices) - 1
    cells.append([])
    cells.append([cells.header(label("per_challenge")), cells.header(label("count"))])
    for pk, title in challenges.items():
        cells.append([cells.text(title), cells.value(stats.per_challenge[pk])])
    if stats.per_challenge[None]:
        cells.append([cells.text(label("no_challenge")), cells.value(stats.per_challenge[None])])

    chart = BarChart()
    chart.type = "bar"
    chart.title = label("per_status")
    chart.legend = None
    chart.height = 7.5
    chart.width = 14
    data = Reference(ws, min_col=2, min_row=first_status_row, max_row=last_status_row)
    categories = Reference(ws, min_col=1, min_row=first_status_row, max_row=last_status_row)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(categories)
    ws.add_chart(chart, "D2")


def describe_filter(filterset) -> str:
    """The table filter in words, for the Overview: "Status: done; Search: school"."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], False) or name == "sort":
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, (list, tuple)):
            shown = ", ".join(str(choices.get(v, v)) for v in value)
        elif value is True:
            shown = _("yes")
        else:
            shown = str(choices.get(value, value))
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts)
