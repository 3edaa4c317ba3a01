"""What an import found, row by row, and why it stopped: the preview the page shows
before anything is written, and the errors of a refused workbook or apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Action

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
    action: Action | None = field(default=None, repr=False)


@dataclass
class ImportPreview:
    rows: list[RowPreview]

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
