"""Write a roadmap's workbook: Overview, Action Table, Timeline, Indicators,
Partners, Funding, Pledges, and the sheets other apps add (the meetings app its Meetings), in the
language that is active.

The workbook is written in openpyxl's write-only mode: rows stream to
temporary files as they are appended. Measured with tracemalloc on 5,000
rows of the Action Table (18 columns): write-only peaks at 0.8 MB, the normal
mode at 31 MB (and 4 MB against 302 MB for 50,000 rows), so write-only it is.
The Action Table is ``action_table``'s, the Timeline, Indicators and Partners
are ``sheets``'.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import IO, Protocol

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from ..models import Action, Roadmap
from . import printing, resource_sheets, sheets
from .action_table import (
    COLUMN_KEYS,
    COLUMNS,
    PRINTED_COLUMNS,
    TableStats,
    write_action_table,
    write_lists,
)
from .cells import PERCENT, Cells, add_styles
from .labels import LISTS_SHEET, label

# The Action Table's columns are read from here too (the importer's headers, the
# benchmark, the tests).
__all__ = [
    "COLUMNS",
    "COLUMN_KEYS",
    "SheetWriter",
    "TableStats",
    "describe_filter",
    "export_queryset",
    "register_sheet",
    "registered_sheets",
    "workbook_filename",
    "write_workbook",
]


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
    on_row: Callable[[int, int], None] | None = None,
) -> TableStats:
    """Write the workbook of ``roadmap`` showing ``actions`` (ordered) to ``out``,
    with ``extra_sheets`` after the Pledges sheet (``registered_sheets()``);
    ``on_row(read, written)`` is told of each row of the Action Table (a task's progress)."""
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
    stats = write_action_table(Cells(table, styles), actions, challenges, today, on_row)
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
    write_lists(Cells(lists, styles))
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
