"""What the import does for a spreadsheet a city made by hand, beside reading the
app's own workbook: rows matched by title, list values as the file writes them,
text deadlines, budgets that are not numbers, notes kept in the description,
defaults for a field the file lacks, and one message for a column that fails
in every row.

The app's own workbook (an ID column) is read as before: its values are the
app's, so a budget that is not a number stays an error there.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import format_number

from . import reading, textdates
from .labels import label
from .mapping import VALUE_FIELDS, fold, suggest_value

NAMED_FIELDS = ("lead_partner", "key_partners", "challenge")
_LEADING_AMOUNT = re.compile(
    r"^\s*(?P<amount>[€$]?\s*-?\d[\d\s.,]*\d?\s*(?:€|eur|euro|евро|лв\.?|bgn)?)(?P<rest>.*)$",
    re.IGNORECASE,
)


class HandMade:
    def __init__(self, reader, *, notes: dict[int, str]):
        self.reader = reader
        self.options = reader.options
        self.notes = notes
        self.hand_made = "id" not in reader.columns.values()
        # The saved rows as the reader compares them (dicts of values, by id).
        self.titled: dict[str, list[dict]] = defaultdict(list)
        for action in sorted(reader.actions.values(), key=lambda a: (a["position"], a["pk"])):
            self.titled[fold(action["title"])].append(action)
        # Field → {folded value → (the value as first written, the entry or None)}.
        self.values: dict[str, dict[str, tuple[str, str | None]]] = defaultdict(dict)
        self.filled = Counter()
        self.failed: dict[str, list[str]] = defaultdict(list)
        self.defaults: dict[str, str] = {}
        if "activity_type" not in reader.columns.values():
            self.defaults["activity_type"] = self.options.defaults.get("activity_type", "other")
        for key, value in self.options.defaults.items():
            if key not in reader.columns.values() and key in VALUE_FIELDS:
                self.defaults[key] = value

    # --- rows ----------------------------------------------------------------

    def by_title(self, row, title: object, seen_ids: set[int]) -> dict | None:
        """The roadmap's action of ``title`` not yet taken by another row, unless the
        user chose to import the row as new."""
        if row.row in self.options.as_new:
            row.as_new = True
            return None
        for action in self.titled.get(fold(reading.text(title)), []):
            if action["pk"] not in seen_ids:
                seen_ids.add(action["pk"])
                row.matched_by_title = True
                row.action_id = action["pk"]
                # No version in the row: the one the user saw in the preview (sent
                # again with the apply), else the action's as saved now.
                row.version = self.options.seen_versions.get(row.row, action["version"])
                return action
        return None

    def fill(self, row, cells: dict, values: list, data: dict, action: dict | None) -> None:
        """What the row takes beyond its mapped cells: defaults, notes, budget text."""
        if action is None:
            for key, value in self.defaults.items():
                data.setdefault(key, value)
        lines = []
        for index, heading in self.notes.items():
            value = values[index] if index < len(values) else None
            if not reading.blank(value):
                lines.append(f"{heading}: {reading.text(value).strip()}")
        if lines:
            base = reading.text(cells.get("description")).strip() if "description" in cells else ""
            text = "\n\n".join(part for part in (base, "\n".join(lines)) if part)
            stored = action["description"] if action is not None else None
            data["description"] = stored if stored is not None and stored.strip() == text else text
        if row.budget_text:
            base = data.get("resources")
            if base is None and "resources" not in cells:
                base = action["resources"] if action is not None else ""
            line = f"{label('budget')}: {row.budget_text}"
            if line not in (base or ""):
                data["resources"] = "\n".join(part for part in ((base or "").strip(), line) if part)

    # --- cells ---------------------------------------------------------------

    def counted(self, key: str, value: object) -> None:
        if not reading.blank(value):
            self.filled[key] += 1

    def choice(self, key: str, value: object):
        """The entry of a list column the file's ``value`` becomes (the user's choice,
        else the suggestion), or None when nothing matches."""
        text = reading.text(value).strip()
        folded = fold(text)
        chosen = self.options.values.get(key, {}).get(folded)
        if chosen is None:
            chosen = suggest_value(key, text)
        self.values[key].setdefault(folded, (text, chosen))
        return chosen

    def date(self, key: str, value: object, row, data: dict):
        try:
            return reading.date(value)
        except reading.CellError:
            found = textdates.interpret(value)
            if found is None:
                raise
        if key == "deadline":
            row.interpretations.append(f"{label(key)}: {found.shown()}")
            if found.start is not None and reading.blank(row.cells.get("start_date")):
                data["start_date"] = found.start
            return found.deadline
        # A start is the period's first day ("June 2027" starts on 01.06.2027), and
        # the preview says so, not the period's last day that a deadline would be.
        start = found.start or textdates.period(found.text)[0]
        row.interpretations.append(f"{label(key)}: {found.text} → {start.strftime('%d.%m.%Y')}")
        return start

    def budget(self, value: object, row) -> tuple[Decimal | None, str | None]:
        """A budget as the file writes it: a number, or its text kept in the resources."""
        try:
            return reading.amount(value)
        except reading.CellError:
            if not self.hand_made:
                raise
        text = reading.text(value).strip()
        row.budget_text = text
        match = _LEADING_AMOUNT.match(text)
        if match and match["rest"].strip():
            try:
                number, currency = reading.amount(match["amount"].strip())
            except reading.CellError:
                number, currency = None, None
            if number is not None:
                row.notes.append(
                    _("budget %(text)s read as %(amount)s, the text kept in the resources")
                    % {"text": reading.quoted(text), "amount": format_number(number)}
                )
                return number, currency
        row.notes.append(
            _("budget %(text)s is not a number: kept in the necessary resources")
            % {"text": reading.quoted(text)}
        )
        return None, None

    def failed_cell(self, key: str, message: str) -> None:
        # A name the database lacks is no fault of the column's mapping: the preview
        # lists it to be created.
        if key not in NAMED_FIELDS:
            self.failed[key].append(message)

    def failed_columns(self) -> dict[str, str]:
        """Columns whose every filled cell failed (more than one): one message each."""
        found = {}
        if not self.hand_made:
            return found
        for key, messages in self.failed.items():
            if self.filled[key] > 1 and len(messages) >= self.filled[key]:
                found[key] = _(
                    "No value of the column %(column)s (%(letter)s) could be read: %(first)s. "
                    "Map the column to another field, or leave it out."
                ) % {
                    "column": reading.quoted(self.reader.headers.get(key, label(key))),
                    "letter": self.reader.letters[key],
                    "first": messages[0],
                }
        return found
