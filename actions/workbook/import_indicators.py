"""The Indicators sheet back in (issue 16): the current value of each indicator,
what an action's partners record of it and its staff as on the indicators page.

A line is the indicator of its ID, read at the version of its action (a change of
an indicator is a change of the row: ``services.action_indicators_update`` keeps
its history and refuses a lost update). Only "Current value" is read: a change in
the other columns (name, unit, baseline, target, source) is left alone and said
so, and so is a line without an ID (indicators are added on the action's
indicators page). A sheet without the Action ID, ID and Version columns (a
workbook downloaded before the sheet had them) or that cannot be read is left
alone with a note, as a sheet that is missing; one without "Current value" (a
hand-made "Indicators" sheet) has nothing to read.
Previewed beside the Funding and Pledges sheets (``ResourcesPreview``) and applied
in the same transaction as the rows (``apply_indicators``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.history_reasons import HistoryReason, history_reason

from .. import services
from ..models import Action, Indicator, Roadmap
from . import files, reading
from .cells import same_text
from .import_resources import SEARCH_ROWS
from .labels import label, normalise, recognise
from .line_preview import LinePreview
from .preview import CHANGED, CONFLICT, ERROR, UNCHANGED, FieldChange, ImportFailed
from .sheets import INDICATOR_COLUMNS

INDICATORS = "sheet_indicators"
# The columns a line is found by; without them the sheet is not read.
_FOUND_BY = ("action_id", "id", "version")
# The columns shown but changed on the indicators page: column key -> field.
_LEFT_ALONE = {
    "indicator": "name",
    "unit": "unit",
    "baseline": "baseline",
    "target": "target",
    "source": "source",
}
_NUMBERS = {"baseline", "target"}


def _is_indicators(title: str) -> bool:
    return recognise(title) == INDICATORS


def indicator_sheet_request(*, max_rows: int) -> files.SheetRequest:
    """What to ask ``files.read_sheets`` for: the Indicators sheet."""
    return files.SheetRequest(_is_indicators, max_rows=max_rows + SEARCH_ROWS)


def preview_indicators(
    roadmap: Roadmap, answer, *, max_rows: int
) -> tuple[list[LinePreview], list[str]]:
    """The lines of the file's Indicators sheet (``answer``: what ``files.read_sheets``
    answered to ``indicator_sheet_request``), and notes on what was not read; writes
    nothing. A sheet that cannot be read is left alone with a note, never refusing
    the file: a hand-made workbook may well have its own "Indicators"."""
    if isinstance(answer, files.SheetMissing):
        return [], []
    if isinstance(answer, files.TooManyRows):
        return [], [
            _("The sheet “%(name)s” has more than %(count)s rows.")
            % {"name": label(INDICATORS), "count": max_rows}
            + " "
            + _("Its current values were not read.")
        ]
    if isinstance(answer, files.Unreadable):
        return [], [_("The sheet “%(name)s” cannot be read.") % {"name": label(INDICATORS)}]
    rows = answer.rows
    keys = {key for key, _width in INDICATOR_COLUMNS}
    at = next(
        (
            at
            for at, (_number, values) in enumerate(rows[:SEARCH_ROWS])
            if len({recognise(value) for value in values} & keys) >= 2
        ),
        None,
    )
    columns = (
        {}
        if at is None
        else {
            index: recognise(value)
            for index, value in enumerate(rows[at][1])
            if recognise(value) in keys
        }
    )
    if "current" not in columns.values():
        return [], []  # nothing this import reads
    missing = [label(key) for key in _FOUND_BY if key not in columns.values()]
    if missing:
        return [], [
            _(
                "The sheet “%(name)s” lacks the columns %(columns)s (it was downloaded before "
                "it had them): its current values were not read. Download the workbook again "
                "to update them."
            )
            % {"name": label(INDICATORS), "columns": ", ".join(missing)}
        ]
    reader = _Reader(roadmap)
    letters = {key: get_column_letter(index + 1) for index, key in columns.items()}
    lines = []
    for number, values in rows[at + 1 :]:
        cells = {
            key: values[index] if index < len(values) else None for index, key in columns.items()
        }
        if all(reading.blank(value) for value in cells.values()):
            continue
        lines.append(reader.line(number, cells, letters))
    return lines, []


class _Reader:
    """Reads lines against the roadmap's indicators and actions as they are now."""

    def __init__(self, roadmap: Roadmap):
        self.actions = {action.pk: action for action in roadmap.actions.select_related("roadmap")}
        self.indicators = {
            indicator.pk: indicator
            for indicator in Indicator.objects.filter(action__roadmap=roadmap)
        }
        self.seen: set[int] = set()
        yes, no, _maybe = str(_("yes,no,maybe")).split(",")
        self.yes_no = {normalise(yes): Decimal(1), normalise(no): Decimal(0)}
        self.yes_no.update({"yes": Decimal(1), "no": Decimal(0)})

    def line(self, number: int, cells: dict, letters: dict) -> LinePreview:
        line = LinePreview(sheet=INDICATORS, row=number, kind=ERROR, title="")

        def fail(key: str, message: str) -> None:
            line.errors.append(f"{letters.get(key, '')}{number}: {message}")

        found = {}
        for key in _FOUND_BY:
            try:
                value = cells.get(key)
                found[key] = None if reading.blank(value) else reading.whole_number(value)
            except reading.CellError as error:
                fail(key, error.message)
        line.pk, line.version = found.get("id"), found.get("version")
        action = self.actions.get(found.get("action_id"))
        if found.get("action_id") is not None and action is None:
            fail("action_id", _("no action of this roadmap has this ID"))
        line.action = action
        line.title = action.title if action is not None else reading.text(cells.get("title"))
        if line.errors:
            return line
        if line.pk is None:
            line.kind = UNCHANGED
            line.notes = [
                _(
                    "a new indicator: the city's staff add indicators on the action's indicators page"
                )
            ]
            return line
        indicator = self.indicators.get(line.pk)
        if indicator is None:
            fail("id", _("no indicator of this roadmap has this ID"))
            return line
        if action is not None and indicator.action_id != action.pk:
            fail("action_id", _("an indicator stays with its action"))
            return line
        if line.pk in self.seen:
            fail("id", _("the indicator is in the file twice; keep one row for it"))
            return line
        self.seen.add(line.pk)
        line.action = action = self.actions[indicator.action_id]
        line.title = action.title
        line.notes = self._left_alone(indicator, cells)
        try:
            current = self._current(cells.get("current"), indicator)
        except reading.CellError as error:
            fail("current", error.message)
            return line
        return self._compare(line, indicator, action, current, fail)

    def _current(self, value, indicator: Indicator) -> Decimal | None:
        if Indicator.is_yes_no_unit(indicator.unit) and isinstance(value, str):
            word = self.yes_no.get(normalise(value))
            if word is not None:
                return word
        return reading.decimal(value)

    def _left_alone(self, indicator: Indicator, cells: dict) -> list[str]:
        """The other columns' changes, as the preview lists them (left alone)."""
        notes = []
        for key, name in _LEFT_ALONE.items():
            if key not in cells:
                continue
            stored, value = getattr(indicator, name), cells[key]
            if key in _NUMBERS:
                try:
                    same = reading.decimal(value) == stored
                except reading.CellError:
                    same = False
                old = Indicator.value_of(stored, unit=indicator.unit, none="—")
            else:
                same = same_text(stored or "", reading.text(value))
                old = stored or "—"
            if not same:
                new = reading.text(value) if not reading.blank(value) else "—"
                notes.append(f"{label(key)}: {old} → {new}")
        return notes

    def _compare(self, line, indicator, action: Action, current, fail) -> LinePreview:
        if current == indicator.current:
            line.kind = UNCHANGED
            return line
        unit = indicator.unit
        line.changes = [
            FieldChange(
                label("current"),
                Indicator.value_of(indicator.current, unit=unit, none="—"),
                Indicator.value_of(current, unit=unit, none="—"),
            )
        ]
        line.data = {"current": current, "position": indicator.position}
        line.current_version = action.version
        if line.version is not None and line.version > action.version:
            fail(
                "version",
                _("version %(file)s is newer than the saved version %(saved)s")
                % {"file": line.version, "saved": action.version},
            )
            return line
        if line.version is None or line.version < action.version:
            line.kind = CONFLICT
            return line
        changed = Indicator(
            **{f.attname: getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields}
        )
        changed.current = current
        try:
            changed.full_clean(exclude=["action"], validate_unique=False)
        except ValidationError as error:
            for message in error.messages:
                fail("current", message)
            return line
        line.kind = CHANGED
        return line


def apply_indicators(*, lines: list[LinePreview], bumped: set[int], by) -> int:
    """Write the changed current values, one change of each action's indicators,
    inside the caller's transaction (the rows' apply). ``bumped``: the actions whose
    row this import changed first (each one version on from the file's)."""
    per_action: dict[int, list[LinePreview]] = defaultdict(list)
    for line in lines:
        if line.sheet == INDICATORS and line.kind == CHANGED:
            per_action[line.action.pk].append(line)
    reason = history_reason(HistoryReason.IMPORTED)
    for action_id, changed in per_action.items():
        first = changed[0]
        action = Action.objects.select_related("roadmap").get(pk=action_id)
        try:
            services.action_indicators_update(
                action=action,
                indicators=[{"id": line.pk, **line.data} for line in changed],
                by=by,
                expected_version=first.version + (1 if action_id in bumped else 0),
                reason=reason,
            )
        except (services.ActionConflict, ValidationError, PermissionDenied) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else error
            raise ImportFailed(
                _("%(sheet)s, row %(row)s: %(message)s")
                % {"sheet": label(INDICATORS), "row": first.row, "message": message}
            ) from None
    return sum(len(changed) for changed in per_action.values())
