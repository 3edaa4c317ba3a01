"""The workbook's Action Table: one row per action in the columns the file comes
back in with, the drop-down lists of its choices (the hidden Lists sheet), and
what the Overview counts of it while it streams.

Actions are read as plain values in chunks, with their key partners and
indicators read per chunk: three queries per chunk of rows, a fixed number for
any roadmap up to CHUNK_SIZE rows, and memory that does not grow with the row
count.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db.models import QuerySet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.numbers import number_separators
from core.text import one_line

from ..models import Action, Indicator
from .cells import TEXT, TEXT_OVERDUE, VALUE, VALUE_OVERDUE, Cells
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


def _choices_list(choices) -> list[str]:
    return [str(text) for _value, text in choices]


def write_lists(cells: Cells) -> None:
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


def write_action_table(
    cells: Cells,
    actions: QuerySet,
    challenges: dict[int, str],
    today: datetime.date,
    on_row: Callable[[int, int], None] | None = None,
) -> TableStats:
    """The Action Table sheet; ``on_row(read, written)`` is told of each row."""
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
    separators = number_separators()
    read = 0
    for chunk, partners, indicators in _table_chunks(actions):
        read += len(chunk)
        for row in chunk:
            overdue = Action.overdue_on(deadline=row.deadline, status=row.status, today=today)
            # In the order of COLUMNS.
            values = (
                row.title,
                activity_types.get(row.activity_type, row.activity_type),
                row.expected_results,
                row.resources,
                row.lead_partner__name or "",
                # One line each: the import splits the list at line breaks.
                "; ".join(one_line(name) for name in partners.get(row.pk, ())),
                row.deadline,
                statuses.get(row.status, row.status),
                row.progress,
                "\n".join(
                    Indicator.text_of(
                        name=name,
                        unit=unit,
                        baseline=baseline,
                        target=target,
                        separators=separators,
                    )
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
            if on_row is not None:
                on_row(read, stats.total)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{stats.total + 1}"
    return stats
