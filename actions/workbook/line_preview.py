"""What an import would do to the lines of the sheets beside the Action Table
(Funding and Pledges: ``import_resources``; Indicators: ``import_indicators``), line
by line: the preview's part that the page, the JSON of a job and the apply read."""

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
    action_id: int | None = None
    # A partner's import: why the line is "not yours, ignored", and its values.
    ignored: list[str] = field(default_factory=list)
    # What the line would change and the import leaves alone (the Indicators
    # sheet's other columns): shown, never applied.
    notes: list[str] = field(default_factory=list)
    # A conflict of the Indicators sheet: who saved the action since (``conflicts``).
    saved_by: str = ""

    # The action itself, for the apply: not a field, so that a preview kept as JSON
    # (``preview_json``, for a job's page to show) holds its ID only.
    @property
    def action(self) -> Action | None:
        return getattr(self, "_action", None)

    @action.setter
    def action(self, action: Action | None) -> None:
        self._action = action
        self.action_id = None if action is None else action.pk


@dataclass
class ResourcesPreview:
    lines: list[LinePreview] = field(default_factory=list)
    # A sheet the import was told not to need (``preview_resources``' ``unneeded``)
    # that could not be read: its key -> why, for the preview to say it ignored it.
    unread: dict[str, str] = field(default_factory=dict)
    # What of a sheet was not read, and why (an Indicators sheet without its IDs).
    notes: list[str] = field(default_factory=list)

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
        return [line for line in self.lines if line.kind != UNCHANGED or line.notes]

    @property
    def has_indicators(self) -> bool:
        return any(line.sheet == "sheet_indicators" for line in self.lines_to_show())

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
                    "notes": line.notes,
                }
                for line in self.lines_to_show()
            ],
            "notes": self.notes,
        }
