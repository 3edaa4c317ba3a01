"""What an import found, row by row, and why it stopped: the preview the page shows
before anything is written, and the errors of a refused workbook or apply."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.numbers import format_number

NEW, CHANGED, UNCHANGED, CONFLICT, ERROR = "new", "changed", "unchanged", "conflict", "error"
# A partner's row (or line) that changes what the partner may not: listed, never applied.
IGNORED = "ignored"


class WorkbookRejected(Exception):
    """The workbook cannot be imported at all; nothing was read into the roadmap."""

    def __init__(self, message: str, status: int = 422):
        self.message = message
        self.status = status
        super().__init__(message)


class ImportFailed(Exception):
    """Applying stopped at a row; the transaction was rolled back."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class RowPreview:
    row: int
    kind: str
    title: str
    action_id: int | None = None
    version: int | None = None
    current_version: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    # Without an ID, the roadmap's action of the same title (or new, as the user chose).
    matched_by_title: bool = False
    as_new: bool = False
    # How text was read ("Deadline: Q2 2022 → 30.06.2022"), and notes instead of errors.
    interpretations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    budget_text: str = ""
    cells: dict[str, Any] = field(default_factory=dict, repr=False)
    # A partner's import: what of the row is "not yours, ignored" (why, and the values).
    ignored: list[str] = field(default_factory=list)
    # A conflict: who saved the action since, as its history names them (``conflicts``).
    saved_by: str = ""

    def written(self) -> str:
        """What history keeps of the text as the file wrote it."""
        return "; ".join(self.interpretations)


@dataclass
class ColumnMapping:
    index: int
    letter: str
    header: str
    field: str | None  # a field, "note", or None (ignored)
    field_label: str


@dataclass
class ValueMapping:
    field: str
    field_label: str
    text: str
    folded: str
    entry: str | None
    entry_label: str


@dataclass
class ImportPreview:
    rows: list[RowPreview]
    # Headers of columns the import does not know ("Comments"), left alone.
    ignored_columns: list[str] = field(default_factory=list)
    # Rows above the header row (a title, a note), by their number in the sheet.
    skipped_rows: list[int] = field(default_factory=list)
    # How many of the roadmap's actions the file does not contain (left alone).
    missing_rows: int = 0
    sheet: str = ""
    sheet_names: list[str] = field(default_factory=list)
    columns: list[ColumnMapping] = field(default_factory=list)
    values: list[ValueMapping] = field(default_factory=list)
    # Field the file lacks → the entry every new row takes.
    defaults: dict[str, str] = field(default_factory=dict)
    # Folded name → the name as the file wrote it.
    missing_organisations: dict[str, str] = field(default_factory=dict)
    missing_challenges: dict[str, str] = field(default_factory=dict)
    column_errors: list[str] = field(default_factory=list)
    # Of those, the ones the user ticked: name → kind (organisations), strand (challenges).
    create_organisations: dict[str, str] = field(default_factory=dict)
    create_challenges: dict[str, str] = field(default_factory=dict)
    # The header row's layout, and whether a mapping remembered for it was used.
    layout: str = ""
    remembered: bool = False
    hand_made: bool = False
    # Imported by a partner: only its own actions' status and progress, and its
    # organisation's new pledges; the rest listed as ignored (``partner_scope``).
    partner: bool = False
    ignored_notes: list[str] = field(default_factory=list)
    # The Funding and Pledges sheets (``import_resources.ResourcesPreview``), or None.
    resources: Any = None

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, CONFLICT, ERROR, IGNORED), 0)
        for row in self.rows:
            counts[row.kind] += 1
        return counts

    @property
    def has_problems(self) -> bool:
        return (
            bool(self.column_errors)
            or any(row.kind in (ERROR, CONFLICT) for row in self.rows)
            or (self.resources is not None and self.resources.has_problems)
        )

    @property
    def change_count(self) -> int:
        rows = sum(1 for row in self.rows if row.kind in (NEW, CHANGED))
        return rows + (self.resources.change_count if self.resources is not None else 0)

    @property
    def can_apply(self) -> bool:
        return not self.has_problems and self.change_count > 0

    def rows_to_show(self) -> list[RowPreview]:
        return [row for row in self.rows if row.kind != UNCHANGED or row.ignored]

    def as_dict(self) -> dict[str, Any]:
        """The preview as plain data (``import_roadmap --format json``)."""
        return {
            "counts": self.counts,
            "missing_rows": self.missing_rows,
            "ignored_columns": self.ignored_columns,
            "skipped_rows": self.skipped_rows,
            "sheet": self.sheet,
            "sheets": self.sheet_names,
            "mapping": {column.header: column.field for column in self.columns},
            "value_mappings": {
                value.field: {v.text: v.entry for v in self.values if v.field == value.field}
                for value in self.values
            },
            "defaults": self.defaults,
            "missing_organisations": list(self.missing_organisations.values()),
            "missing_challenges": list(self.missing_challenges.values()),
            "organisations_to_create": self.create_organisations,
            "challenges_to_create": self.create_challenges,
            "column_errors": self.column_errors,
            "rows": [
                {
                    "row": row.row,
                    "kind": row.kind,
                    "title": row.title,
                    "id": row.action_id,
                    "version": row.version,
                    "saved_version": row.current_version,
                    "changes": [
                        {"field": change.label, "old": change.old, "new": change.new}
                        for change in row.changes
                    ],
                    "errors": [_split_error(error) for error in row.errors],
                    "matched_by_title": row.matched_by_title,
                    "interpretations": row.interpretations,
                    "notes": row.notes,
                    "ignored": row.ignored,
                }
                for row in self.rows_to_show()
            ],
            "ignored_notes": self.ignored_notes,
            "resources": self.resources.as_dict() if self.resources is not None else None,
        }


def _split_error(error: str) -> dict[str, str]:
    """ "F12: no organisation ..." as its cell and its message."""
    cell, _colon, message = error.partition(": ")
    return {"cell": cell, "message": message}


def shown(key: str, value, *, names, choice_labels: dict[str, dict]) -> str:
    """A field's value as the preview shows it: a choice by its label, an
    organisation or a challenge by its name (``names``: ``partner_names.Names``), a
    date as 30.06.2027, a number with the active language's decimal mark."""
    if value in (None, "") or value == frozenset():
        return "—"
    if key in choice_labels:
        return str(choice_labels[key].get(value, value))
    if key == "lead_partner":
        return names.organisation_name(value)
    if key == "key_partners":
        return ", ".join(sorted(names.organisation_name(pk) for pk in value))
    if key == "challenge":
        return names.challenge_title(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        # As the Action Table writes it: the active language's decimal mark and
        # thousands grouped ("15 000,5" in Bulgarian, "15,000.5" in English).
        return format_number(value)
    return str(value)
