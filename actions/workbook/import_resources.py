"""The Funding and Pledges sheets back in (issue 16): a preview of what a workbook
would change in a roadmap's funding lines and pledges, line by line, with errors
per cell and conflicts, then an all-or-nothing apply through the services (``import_apply.apply_resources``).

Apart from the Action Table's import (import_.py) and written to be called beside
it: ``preview_resources`` reads the same uploaded file, ``apply_resources`` runs in
the same transaction as the rows' apply, so that one file is all applied or not at
all. Lines are matched by their ID (blank: a new line) and belong to an action by
its "Action ID"; a sheet that is missing is left alone, as a column that is
missing. "Delivered to date" is the ledger's sum: shown, never read back
(deliveries are recorded one by one).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.numbers import format_number

from .. import services
from ..models import Action, FundingLine, Pledge, Roadmap
from . import files, reading
from .cells import same_text
from .labels import label, normalise, recognise
from .line_preview import LinePreview, ResourcesPreview
from .preview import CHANGED, CONFLICT, ERROR, NEW, UNCHANGED, FieldChange, ImportFailed
from .resource_sheets import FUNDING_COLUMNS, PLEDGE_COLUMNS

MAX_ROWS = 2_000
SEARCH_ROWS = 10


@dataclass(frozen=True)
class _Sheet:
    key: str
    model: type
    columns: tuple[tuple[str, int], ...]
    # Column key -> model field, for the fields the sheet writes back.
    fields: dict[str, str]
    required: tuple[str, ...]


FUNDING = _Sheet(
    "sheet_funding",
    FundingLine,
    FUNDING_COLUMNS,
    {
        "funder": "funder",
        "funder_programme": "programme",
        "amount": "amount",
        "currency": "currency",
        "funding_status": "status",
        "note": "note",
    },
    ("action_id", "amount", "id", "version"),
)
PLEDGES = _Sheet(
    "sheet_pledges",
    Pledge,
    PLEDGE_COLUMNS,
    {
        "organisation": "organisation",
        "pledge_kind": "kind",
        "amount": "amount",
        "unit": "unit",
        "date_pledged": "date",
        "description": "description",
    },
    ("action_id", "organisation", "pledge_kind", "amount", "unit", "id", "version"),
)
_TEXT = {"programme", "note", "description"}
_FKS = {"funder", "organisation"}


def resource_sheet_requests(*, max_rows: int = MAX_ROWS) -> list[files.SheetRequest]:
    """What to ask ``files.read_sheets`` for: the Funding and the Pledges sheets."""
    return [
        files.SheetRequest(_titled(sheet.key), max_rows=max_rows + SEARCH_ROWS)
        for sheet in (FUNDING, PLEDGES)
    ]


def preview_resources(
    roadmap: Roadmap,
    fileobj: IO[bytes] | None = None,
    *,
    max_rows: int = MAX_ROWS,
    sheets: list | None = None,
    unneeded=(),
) -> ResourcesPreview:
    """What the file's Funding and Pledges sheets would change in ``roadmap``; writes nothing.

    ``sheets``: ``files.read_sheets``' answers to ``resource_sheet_requests`` where the
    caller read them with its own sheets (one reading of the file); else they are read
    from ``fileobj`` here. A sheet that cannot be read refuses the file (ImportFailed),
    unless its key is in ``unneeded`` (a partner's Funding sheet): it is then ``unread``."""
    if sheets is None:
        sheets = files.read_sheets(fileobj, resource_sheet_requests(max_rows=max_rows))
    preview = ResourcesPreview()
    reader = _Reader(roadmap)
    read = []
    for sheet, answer in zip((FUNDING, PLEDGES), sheets, strict=True):
        if isinstance(answer, files.SheetMissing):
            continue
        try:
            if isinstance(answer, files.TooManyRows):
                raise ImportFailed(
                    _("The sheet “%(name)s” has more than %(count)s rows.")
                    % {"name": label(sheet.key), "count": max_rows}
                )
            if isinstance(answer, files.Unreadable):
                raise ImportFailed(_("The workbook cannot be read."))
            read.append((sheet, answer.rows, reader.header(sheet, answer.rows)))
        except ImportFailed as failed:
            if sheet.key not in unneeded:
                raise
            preview.unread[sheet.key] = failed.message
    reader.read_actions(read)
    for sheet, rows, header_at in read:
        preview.lines.extend(reader.lines(sheet, rows, header_at))
    return preview


def _shown(value) -> str:
    """A value as the preview shows it, in the active language."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _titled(key: str) -> Callable[[str], bool]:
    def wanted(title: str) -> bool:
        return recognise(title) == key

    return wanted


class _Reader:
    """Reads the lines of both sheets against the roadmap as it is now (a few queries)."""

    def __init__(self, roadmap: Roadmap):
        self.roadmap = roadmap
        # The actions the lines name (read_actions), not every action of the roadmap.
        self.actions: dict[int, Action] = {}
        self.organisations: dict[str, list[int]] = {}
        self.names: dict[int, str] = {}
        for pk, name in roadmap.eligible_partners().values_list("pk", "name"):
            self.organisations.setdefault(normalise(name), []).append(pk)
            self.names[pk] = name
        self.lookups = {
            "currency": reading.currency_lookup(Action.Currency.choices),
            "funding_status": reading.choice_lookup(FundingLine.Status.choices),
            "pledge_kind": reading.choice_lookup(Pledge.Kind.choices),
            "unit": reading.choice_lookup(Pledge.Unit.choices),
        }
        self.labels = {
            "currency": Action.Currency.choices,
            "funding_status": FundingLine.Status.choices,
            "pledge_kind": Pledge.Kind.choices,
            "unit": Pledge.Unit.choices,
        }

    def header(self, sheet: _Sheet, rows: list[tuple[int, list]]) -> tuple[int, dict]:
        """Where the sheet's header row is, and its columns (index: key); ImportFailed
        without one or without a required column."""
        keys = {key for key, _width in sheet.columns}
        at = next(
            (
                at
                for at, (_number, values) in enumerate(rows[:SEARCH_ROWS])
                if len({recognise(value) for value in values} & keys) >= 2
            ),
            None,
        )
        if at is None:
            raise ImportFailed(
                _("The sheet “%(name)s” has no header row.") % {"name": label(sheet.key)}
            )
        columns = {
            index: recognise(value)
            for index, value in enumerate(rows[at][1])
            if recognise(value) in keys
        }
        missing = [label(key) for key in sheet.required if key not in columns.values()]
        if missing:
            raise ImportFailed(
                _("The sheet “%(name)s” lacks the columns %(columns)s.")
                % {"name": label(sheet.key), "columns": ", ".join(missing)}
            )
        return at, columns

    def read_actions(self, read) -> None:
        """The roadmap's actions that the lines of ``read`` ((sheet, rows, header) of
        each sheet) name in their action ID column: one query (none without lines)."""
        named = set()
        for _sheet, rows, (at, columns) in read:
            index = next((i for i, key in columns.items() if key == "action_id"), None)
            for _number, values in rows[at + 1 :]:
                value = values[index] if index is not None and index < len(values) else None
                try:
                    if not reading.blank(value):
                        named.add(reading.whole_number(value))
                except reading.CellError:
                    continue  # the line says so (_line)
        if named:
            self.actions = self.roadmap.actions.select_related("roadmap").in_bulk(named)

    def lines(self, sheet: _Sheet, rows: list[tuple[int, list]], header: tuple[int, dict]):
        at, columns = header
        existing = {
            obj.pk: obj
            for obj in sheet.model.objects.filter(action__roadmap=self.roadmap).select_related(
                *(("funder",) if sheet is FUNDING else ("organisation",))
            )
        }
        for number, values in rows[at + 1 :]:
            cells = {
                key: values[index] if index < len(values) else None
                for index, key in columns.items()
            }
            if all(reading.blank(value) for value in cells.values()):
                continue  # a row of the user's own notes, beside the columns
            letters = {key: get_column_letter(index + 1) for index, key in columns.items()}
            yield self._line(sheet, number, cells, letters, existing)

    def _line(self, sheet, number, cells, letters, existing) -> LinePreview:
        line = LinePreview(sheet=sheet.key, row=number, kind=ERROR, title="")
        data: dict[str, Any] = {}

        def fail(key: str, message: str) -> None:
            line.errors.append(f"{letters.get(key, '')}{number}: {message}")

        for key in ("id", "version", "action_id"):
            try:
                value = cells.get(key)
                parsed = None if reading.blank(value) else reading.whole_number(value)
            except reading.CellError as error:
                fail(key, error.message)
                continue
            if key == "id":
                line.pk = parsed
            elif key == "version":
                line.version = parsed
            else:
                line.action = self.actions.get(parsed)
                if line.action is None:
                    fail(key, _("no action of this roadmap has this ID"))
        for key, name in sheet.fields.items():
            if key not in cells:
                continue
            try:
                data[name] = self._value(key, name, cells[key])
            except reading.CellError as error:
                fail(key, error.message)
        line.data = data  # what a partner's preview reads of a line with errors
        current = existing.get(line.pk) if line.pk is not None else None
        if line.pk is not None and current is None:
            fail("id", _("no such line in this roadmap; leave the ID blank for a new one"))
        if line.action is not None:
            line.title = line.action.title
        if line.errors:
            return line
        if current is not None and current.action_id != line.action.pk:
            fail("action_id", _("a line stays with its action"))
            return line
        # A choice or a date left blank is left alone (a new line takes the default).
        data = {name: value for name, value in data.items() if value is not None or name in _FKS}
        line.kind, line.changes, line.data = self._compare(current, data, sheet.model)
        if line.kind == UNCHANGED:
            return line
        line.current_version = current.version if current is not None else None
        if current is not None and line.version != current.version:
            line.kind = CONFLICT
            return line
        for name, messages in self._rule_errors(sheet, line.action, current, data).items():
            key = next((k for k, n in sheet.fields.items() if n == name), "")
            for message in messages:
                fail(key, message)
        if line.errors:
            line.kind = ERROR
        return line

    def _value(self, key: str, name: str, value):
        if key in self.lookups:
            if reading.blank(value):
                return None
            return reading.choice(
                value, self.lookups[key], label(key).lower(), [v for _c, v in self.labels[key]]
            )
        if name == "amount":
            amount = reading.decimal(value)
            if amount is None:
                raise reading.CellError(_("an amount is needed"))
            return amount
        if name == "date":
            return reading.date(value)
        if name in ("funder", "organisation"):
            text = reading.text(value).strip() if not reading.blank(value) else ""
            if not text:
                return None
            found = self.organisations.get(normalise(text), [])
            if len(found) != 1:
                raise reading.CellError(
                    _("no single organisation of the roadmap is called %(name)s")
                    % {"name": reading.quoted(text)}
                )
            return found[0]
        return reading.text(value) if not reading.blank(value) else ""

    def _compare(self, current, data, model) -> tuple[str, list[FieldChange], dict[str, Any]]:
        """NEW, CHANGED or UNCHANGED, the changes shown, and the data to write."""
        if current is None:
            shown = [
                FieldChange(str(model._meta.get_field(name).verbose_name), "", self._new(name, v))
                for name, v in data.items()
                if v not in (None, "")
            ]
            return NEW, shown, data
        changes, changed = [], {}
        for name, value in data.items():
            model_field = current._meta.get_field(name)
            old = getattr(current, model_field.attname)
            same = same_text(old or "", value or "") if name in _TEXT else old == value
            if not same:
                changes.append(
                    FieldChange(str(model_field.verbose_name), _shown(old), _shown(value))
                )
                changed[name] = value
        return (CHANGED if changes else UNCHANGED), changes, changed

    def _new(self, name: str, value) -> str:
        """A value of a new line as the preview shows it (a name, a choice's label)."""
        if name in _FKS:
            return self.names.get(value, "")
        choices = {"status": FundingLine.Status, "kind": Pledge.Kind, "unit": Pledge.Unit}
        if name in choices:
            return str(dict(choices[name].choices).get(value, value))
        return _shown(value)

    def _rule_errors(self, sheet, action, current, data) -> dict[str, list[str]]:
        """The services' rules, checked now so that the preview places them."""
        if current is not None:
            values = {f.attname: getattr(current, f.attname) for f in current._meta.concrete_fields}
            obj = sheet.model(**values)
        else:
            obj = sheet.model(action=action)
            if sheet is FUNDING:
                obj.currency = action.currency
        for name, value in data.items():
            setattr(obj, sheet.model._meta.get_field(name).attname, value)
        obj.action = action
        if sheet is FUNDING:
            errors = services.funding_line_errors(
                action=action, funder=obj.funder_id, currency=obj.currency
            )
        else:
            errors = services.pledge_errors(action=action, organisation=obj.organisation_id)
        try:
            obj.full_clean(exclude=["action"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        return errors
