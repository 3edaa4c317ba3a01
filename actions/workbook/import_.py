"""Read the Action Table sheet of a workbook back: first a preview that writes
nothing, then an all-or-nothing apply through the action services.

Rows are matched by their ID; a row without one is new. Columns are matched
by their header, in English or Bulgarian, so a column left out is a field
left alone. Rows of the roadmap missing from the file are not touched (a
filtered export comes back in as well as a full one).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .. import services
from ..models import DATE_FIELDS, Action, Roadmap
from . import reading
from .cells import same_text
from .export import COLUMN_KEYS
from .labels import label, normalise, recognise
from .preview import (
    CHANGED,
    CONFLICT,
    ERROR,
    NEW,
    UNCHANGED,
    FieldChange,
    ImportFailed,
    ImportPreview,
    RowPreview,
    WorkbookRejected,
)

# What one request previews and applies within the app server's timeout (gunicorn's
# 30 s), holding SQLite's write lock for a few seconds at most: larger tables are
# imported in parts (the sheet's rows are refused past it, the limit named).
MAX_ROWS = 2_000
TEXT_FIELDS = ("title", "description", "expected_results", "resources", "in_kind")
CHOICE_FIELDS = {
    "activity_type": Action.ActivityType.choices,
    "status": Action.Status.choices,
    "currency": Action.Currency.choices,
}
REQUIRED_COLUMNS = ("title", "activity_type", "id", "version")
# Shown in the file but changed elsewhere (indicators have their own form).
READ_ONLY_COLUMNS = ("indicators",)

logger = logging.getLogger(__name__)


def _unreadable() -> WorkbookRejected:
    return WorkbookRejected(_("The workbook cannot be read."), status=400)


def _parsed(rows: Iterable[tuple]) -> Iterator[tuple]:
    """The rows openpyxl reads, with any failure to parse them (of any kind: a
    crafted file makes openpyxl, lxml or zipfile raise almost anything) turned
    into WorkbookRejected. Only openpyxl's own work is guarded, so a mistake in
    the importer still shows as one."""
    rows = iter(rows)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:
            logger.info("Upload refused: openpyxl cannot read a row.", exc_info=True)
            raise _unreadable() from None
        yield values


def preview_import(roadmap: Roadmap, fileobj: IO[bytes]) -> ImportPreview:
    """What importing ``fileobj`` would do to ``roadmap``; writes nothing.

    Call safety.check_workbook_file on an uploaded file first.
    """
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception:
        logger.info("Upload refused: openpyxl cannot open it.", exc_info=True)
        raise _unreadable() from None
    try:
        return _Reader(roadmap, _action_sheet(workbook)).preview()
    finally:
        workbook.close()


def apply_import(*, roadmap: Roadmap, preview: ImportPreview, by) -> dict[str, int]:
    """Write the preview's new and changed rows, all or nothing, as ``by``."""
    if preview.has_problems:
        raise ImportFailed(_("Correct the errors and conflicts first."))
    reason = _("imported from a workbook")
    done = {NEW: 0, CHANGED: 0}
    with transaction.atomic():
        for row in preview.rows:
            try:
                if row.kind == NEW:
                    services.action_create(roadmap=roadmap, data=row.data, by=by, reason=reason)
                elif row.kind == CHANGED:
                    services.action_update(
                        action=row.action,
                        data=row.data,
                        by=by,
                        expected_version=row.version,
                        reason=reason,
                    )
                else:
                    continue
            except services.ActionConflict as exc:
                raise ImportFailed(
                    _("Row %(row)s: %(error)s") % {"row": row.row, "error": exc}
                ) from None
            except ValidationError as exc:
                raise ImportFailed(
                    _("Row %(row)s: %(error)s") % {"row": row.row, "error": " ".join(exc.messages)}
                ) from None
            done[row.kind] += 1
    return {"created": done[NEW], "changed": done[CHANGED]}


def _action_sheet(workbook):
    for sheet in workbook.worksheets:
        if recognise(sheet.title) == "sheet_actions":
            return sheet
    raise WorkbookRejected(
        _("The workbook has no sheet named “%(name)s”.") % {"name": label("sheet_actions")}
    )


def _display_date(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


class _Reader:
    def __init__(self, roadmap: Roadmap, sheet):
        self.roadmap = roadmap
        self.sheet = sheet
        self.actions = {
            action.pk: action for action in roadmap.actions.prefetch_related("key_partners")
        }
        organisations = roadmap.eligible_partners().values_list("pk", "name", "city_id")
        self.organisation_names: dict[int, str] = {}
        self.organisations_named: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pk, name, city_id in organisations:
            self.organisation_names[pk] = name
            self.organisations_named[normalise(name)].append((pk, city_id))
        challenges = roadmap.challenges.values_list("pk", "title")
        self.challenge_titles = dict(challenges)
        self.challenges_named = {normalise(title): pk for pk, title in challenges}
        self.choices = {name: reading.choice_lookup(c) for name, c in CHOICE_FIELDS.items()}
        self.choice_labels = {name: dict(c) for name, c in CHOICE_FIELDS.items()}
        self.checked_dates: dict[tuple, list[str]] = {}

    # --- the sheet -------------------------------------------------------

    def preview(self) -> ImportPreview:
        header = next(_parsed(self.sheet.iter_rows(min_row=1, max_row=1, values_only=True)), None)
        if not header or all(reading.blank(value) for value in header):
            raise WorkbookRejected(_("The Action Table sheet has no header row."))
        self.columns = self._columns(header)
        self.letters = {key: get_column_letter(index + 1) for index, key in self.columns.items()}
        rows = []
        seen_ids: set[int] = set()
        cells = _parsed(self.sheet.iter_rows(min_row=2, max_col=len(header), values_only=True))
        for number, values in enumerate(cells, start=2):
            if number > MAX_ROWS + 1:
                raise WorkbookRejected(
                    _("The sheet has more than %(count)s rows.") % {"count": MAX_ROWS}
                )
            row = self._row(number, values, seen_ids)
            if row is not None:
                rows.append(row)
        return ImportPreview(rows)

    def _columns(self, header) -> dict[int, str]:
        columns: dict[int, str] = {}
        unknown = []
        for index, value in enumerate(header):
            if reading.blank(value):
                continue
            key = recognise(value)
            if key not in COLUMN_KEYS:
                unknown.append(str(value))
            elif key in columns.values():
                raise WorkbookRejected(_("The column “%(name)s” appears twice.") % {"name": value})
            else:
                columns[index] = key
        if unknown:
            raise WorkbookRejected(
                _("Unknown columns: %(names)s. Use the headers of an exported workbook.")
                % {"names": ", ".join(f"“{name}”" for name in unknown)}
            )
        missing = [label(key) for key in REQUIRED_COLUMNS if key not in columns.values()]
        if missing:
            raise WorkbookRejected(_("Columns missing: %(names)s.") % {"names": ", ".join(missing)})
        return columns

    # --- one row -----------------------------------------------------------

    def _row(self, number: int, values: tuple, seen_ids: set[int]) -> RowPreview | None:
        cells = {
            key: values[index] if index < len(values) else None
            for index, key in self.columns.items()
        }
        if all(reading.blank(value) for value in cells.values()):
            return None
        row = RowPreview(row=number, kind=NEW, title=reading.text(cells["title"]))

        def error(key: str, message: str) -> None:
            row.errors.append(f"{self.letters[key]}{number}: {message}")

        action = None
        if not reading.blank(cells["id"]):
            try:
                row.action_id = reading.whole_number(cells["id"])
            except reading.CellError as exc:
                error("id", exc.message)
            else:
                action = self.actions.get(row.action_id)
                if action is None:
                    error(
                        "id", _("no action with ID %(id)s in this roadmap") % {"id": row.action_id}
                    )
                elif row.action_id in seen_ids:
                    error(
                        "id",
                        _("the action with ID %(id)s is in the file twice") % {"id": row.action_id},
                    )
                seen_ids.add(row.action_id)
            try:
                row.version = reading.whole_number(cells["version"])
            except reading.CellError as exc:
                error("version", exc.message)
        data = {}
        for key, value in cells.items():
            if key in ("id", "version", *READ_ONLY_COLUMNS):
                continue
            try:
                data[key] = self._value(key, value, action)
            except reading.CellError as exc:
                error(key, exc.message)
            except ValidationError as exc:
                error(key, " ".join(exc.messages))
        self._check_together(row, data, action, error)
        if row.errors:
            row.kind = ERROR
            return row
        if action is None:
            row.data = data
            row.changes = [
                FieldChange(label(key), "", self._display(key, value))
                for key, value in data.items()
                if value not in (None, "", [], frozenset())
            ]
            return row
        return self._compare(row, action, data)

    def _value(self, key: str, value: object, action: Action | None):
        if key in TEXT_FIELDS:
            new = reading.text(value)
            stored = getattr(action, key) if action is not None else None
            if stored is not None and same_text(stored, new):
                new = stored
            if key == "title" and action is None:
                new = new.strip()
            Action._meta.get_field(key).clean(new, None)
            return new
        if key in CHOICE_FIELDS:
            if reading.blank(value):
                default = Action._meta.get_field(key).default
                if action is None and isinstance(default, str) and default:
                    return default
                raise reading.CellError(_("empty; choose a value from the list"))
            return reading.choice(value, self.choices[key], label(key))
        if key in ("start_date", "deadline"):
            return reading.date(value)
        if key in ("budget", "people_days"):
            number = reading.decimal(value)
            Action._meta.get_field(key).clean(number, None)
            return number
        if key == "progress":
            number = 0 if reading.blank(value) else reading.whole_number(value)
            Action._meta.get_field(key).clean(number, None)
            return number
        if key == "lead_partner":
            return None if reading.blank(value) else self._organisation(reading.text(value).strip())
        if key == "key_partners":
            return frozenset(self._organisation(name) for name in reading.names(value))
        if key == "challenge":
            if reading.blank(value):
                return None
            found = self.challenges_named.get(normalise(value))
            if found is None:
                raise reading.CellError(_("no challenge named “%(name)s”") % {"name": value})
            return found
        raise AssertionError(key)

    def _organisation(self, name: str) -> int:
        candidates = self.organisations_named.get(normalise(name), [])
        if len(candidates) > 1:
            candidates = [c for c in candidates if c[1] == self.roadmap.city_id]
        if not candidates:
            raise reading.CellError(_("no organisation named “%(name)s”") % {"name": name})
        if len(candidates) > 1:
            raise reading.CellError(
                _("several organisations are named “%(name)s”") % {"name": name}
            )
        return candidates[0][0]

    def _check_together(self, row: RowPreview, data: dict, action: Action | None, error) -> None:
        def value(key):
            if key in data:
                return data[key]
            if action is None:
                return None
            if key == "key_partners":
                return frozenset(p.pk for p in action.key_partners.all())
            return getattr(action, Action._meta.get_field(key).attname)

        dates = {key: value(key) for key in DATE_FIELDS}
        if any(key in data for key in DATE_FIELDS) and (
            action is None or any(dates[key] != getattr(action, key) for key in DATE_FIELDS)
        ):
            # New or changed dates (the saved ones keep to the constraint): the
            # database's constraint, its message on the deadline's cell or the start's.
            cell = "deadline" if "deadline" in self.letters else "start_date"
            for message in self._dates_errors(dates["start_date"], dates["deadline"]):
                error(cell, message)
        for key, messages in services.partner_errors(
            lead_partner=value("lead_partner"), key_partners=value("key_partners")
        ).items():
            if key in self.letters:
                for message in messages:
                    error(key, message)

    def _dates_errors(self, start_date, deadline) -> list[str]:
        """What the constraint says of two dates: a query for each pair of them,
        however many rows share it."""
        key = (start_date, deadline)
        if key not in self.checked_dates:
            dates = Action(start_date=start_date, deadline=deadline)
            self.checked_dates[key] = dates.constraint_errors(fields=DATE_FIELDS)
        return self.checked_dates[key]

    def _compare(self, row: RowPreview, action: Action, data: dict) -> RowPreview:
        row.action = action
        row.current_version = action.version
        changes = services.action_changes(action=action, data=data)
        row.changes = [
            FieldChange(label(key), self._display(key, old), self._display(key, new))
            for key, (old, new) in changes.items()
        ]
        row.data = {key: data[key] for key in changes}
        if row.version is not None and row.version > action.version:
            row.errors.append(
                f"{self.letters['version']}{row.row}: "
                + _("version %(file)s is newer than the saved version %(saved)s")
                % {"file": row.version, "saved": action.version}
            )
            row.kind = ERROR
        elif not changes:
            row.kind = UNCHANGED
        elif row.version is None or row.version < action.version:
            row.kind = CONFLICT
        else:
            row.kind = CHANGED
        return row

    def _display(self, key: str, value) -> str:
        if value in (None, "") or value == frozenset():
            return "—"
        if key in CHOICE_FIELDS:
            return str(self.choice_labels[key].get(value, value))
        if key == "lead_partner":
            return self.organisation_names.get(value, str(value))
        if key == "key_partners":
            return ", ".join(sorted(self.organisation_names.get(pk, str(pk)) for pk in value))
        if key == "challenge":
            return self.challenge_titles.get(value, str(value))
        if isinstance(value, datetime.date):
            return _display_date(value)
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return str(value)
