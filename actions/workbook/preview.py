"""What an import found, row by row, and why it stopped: the preview the page shows
before anything is written, and the errors of a refused workbook or apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NEW, CHANGED, UNCHANGED, CONFLICT, ERROR = "new", "changed", "unchanged", "conflict", "error"


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


@dataclass
class ImportPreview:
    rows: list[RowPreview]
    # Headers of columns the import does not know ("Comments"), left alone.
    ignored_columns: list[str] = field(default_factory=list)
    # Rows above the header row (a title, a note), by their number in the sheet.
    skipped_rows: list[int] = field(default_factory=list)
    # How many of the roadmap's actions the file does not contain (left alone).
    missing_rows: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, CONFLICT, ERROR), 0)
        for row in self.rows:
            counts[row.kind] += 1
        return counts

    @property
    def has_problems(self) -> bool:
        return any(row.kind in (ERROR, CONFLICT) for row in self.rows)

    @property
    def change_count(self) -> int:
        return sum(1 for row in self.rows if row.kind in (NEW, CHANGED))

    @property
    def can_apply(self) -> bool:
        return not self.has_problems and self.change_count > 0

    def rows_to_show(self) -> list[RowPreview]:
        return [row for row in self.rows if row.kind != UNCHANGED]

    def as_dict(self) -> dict[str, Any]:
        """The preview as plain data (``import_roadmap --format json``)."""
        return {
            "counts": self.counts,
            "missing_rows": self.missing_rows,
            "ignored_columns": self.ignored_columns,
            "skipped_rows": self.skipped_rows,
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
                }
                for row in self.rows_to_show()
            ],
        }


def _split_error(error: str) -> dict[str, str]:
    """ "F12: no organisation ..." as its cell and its message."""
    cell, _colon, message = error.partition(": ")
    return {"cell": cell, "message": message}
