"""What the preview of the Funding and Pledges sheets found (import_resources.py):
each line's preview and the counts, as the import page shows them and keeps them
between its two requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Action
from .labels import label
from .preview import CHANGED, CONFLICT, ERROR, IGNORED, NEW, UNCHANGED, FieldChange


@dataclass
class LinePreview:
    """One line of the Funding or Pledges sheet, and what it would do."""

    sheet: str  # "sheet_funding" or "sheet_pledges"
    row: int
    kind: str
    title: str
    pk: int | None = None
    version: int | None = None
    current_version: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    action: Action | None = field(default=None, repr=False)
    # A partner's import: why the line is "not yours, ignored", and its values.
    ignored: list[str] = field(default_factory=list)


@dataclass
class ResourcesPreview:
    lines: list[LinePreview] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, CONFLICT, ERROR, IGNORED), 0)
        for line in self.lines:
            counts[line.kind] += 1
        return counts

    @property
    def has_problems(self) -> bool:
        return any(line.kind in (ERROR, CONFLICT) for line in self.lines)

    @property
    def change_count(self) -> int:
        return sum(1 for line in self.lines if line.kind in (NEW, CHANGED))

    def lines_to_show(self) -> list[LinePreview]:
        return [line for line in self.lines if line.kind != UNCHANGED]

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "lines": [
                {
                    "sheet": str(label(line.sheet)),
                    "row": line.row,
                    "kind": line.kind,
                    "action": line.title,
                    "id": line.pk,
                    "changes": [
                        {"field": change.label, "old": change.old, "new": change.new}
                        for change in line.changes
                    ],
                    "errors": line.errors,
                    "ignored": line.ignored,
                }
                for line in self.lines_to_show()
            ],
        }
