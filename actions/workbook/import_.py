"""Read the Action Table sheet of a workbook back: first a preview that writes
nothing, then an all-or-nothing apply through the action services (``import_apply``).

The file is an .xlsx, .ods or .xls (``files`` reads it with python-calamine:
a cell is the value it shows). Blank rows are skipped wherever they are; the
header row is the first row holding several recognised headers, so a title
block above it is skipped too. The sheet is the one named as the export names
it, else the one most like an Action Table (or the one the user chose).
Columns are matched by their header (``mapping``: the workbook's own headers
in English or Bulgarian, and their synonyms, which the user may change), so a
column left out is a field left alone. Rows are matched by their ID; a row
without one is the action of the same title (``mapping.fold``), else new, so
a hand-made file imported twice changes nothing the second time. Rows of the
roadmap missing from the file are not touched (a filtered export comes back
in as well as a full one); the preview counts them.
"""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .. import services
from ..models import DATE_FIELDS, Action, ImportMapping, Roadmap
from . import files, header, mapping, partner_scope, progress, reading
from .cells import same_text
from .conflicts import name_who_saved
from .handmade import HandMade
from .import_indicators import indicator_sheet_request, preview_indicators
from .import_resources import preview_resources, resource_sheet_requests
from .labels import label, normalise
from .line_preview import ResourcesPreview
from .mapping import ImportOptions, fold
from .partner_names import Names
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
    shown,
)
from .sheet_choice import action_sheet, action_sheet_request
from .summary import describe

# What one request previews and applies within the app server's timeout (gunicorn's
# 30 s), holding SQLite's write lock for a few seconds at most: larger tables are
# imported in parts (the sheet's rows are refused past it, the limit named).
MAX_ROWS = 2_000
# What the command line reads (no request, no timeout; the bench's 5,000-row roadmap).
COMMAND_MAX_ROWS = 100_000
TEXT_FIELDS = ("title", "description", "expected_results", "resources", "in_kind")
CHOICE_FIELDS = {
    "activity_type": Action.ActivityType.choices,
    "status": Action.Status.choices,
    "currency": Action.Currency.choices,
}
# Shown in the file but changed elsewhere (indicators have their own form).
READ_ONLY_COLUMNS = ("indicators",)


def preview_import(
    roadmap: Roadmap,
    fileobj: IO[bytes],
    *,
    max_rows: int | None = None,
    options: ImportOptions | None = None,
    user=None,
) -> ImportPreview:
    """What importing ``fileobj`` (.xlsx, .ods or .xls) would do to ``roadmap``;
    writes nothing. At most ``max_rows`` rows (a request's MAX_ROWS unless told).
    ``options``: what the user chose over the suggestions (the sheet, the columns,
    the values); a mapping remembered for the layout applies under them. Its
    Funding, Pledges and Indicators sheets are ``preview.resources``. ``user``: who imports;
    a partner's preview keeps only what the partner may change (``partner_scope``).

    Call safety.check_workbook_file on an uploaded file first.
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    options = options or ImportOptions()
    # The four sheets in one reading of the file (one child process: files.read_sheets):
    # the Action Table, Funding, Pledges and Indicators.
    sheets = files.read_sheets(
        fileobj,
        [
            action_sheet_request(options, max_rows=max_rows),
            *resource_sheet_requests(max_rows=max_rows),
            indicator_sheet_request(max_rows=max_rows),
        ],
    )
    sheet = action_sheet(sheets[0], options, max_rows=max_rows)
    reader = _Reader(roadmap, sheet.rows, max_rows=max_rows, options=options)
    preview = reader.preview()
    preview.sheet, preview.sheet_names = sheet.title, sheet.sheet_names
    partner = partner_scope.is_partner_import(user, roadmap)
    try:
        preview.resources = preview_resources(
            roadmap,
            max_rows=max_rows,
            sheets=sheets[1:3],
            unneeded=partner_scope.UNNEEDED_SHEETS if partner else (),
        )
    except ImportFailed as exc:
        preview.column_errors.append(exc.message)
    lines, notes = preview_indicators(roadmap, sheets[3], max_rows=max_rows)
    if lines or notes:
        preview.resources = preview.resources or ResourcesPreview()
        preview.resources.lines.extend(lines)
        preview.resources.notes.extend(notes)
    if partner:
        partner_scope.limit(preview, reader, roadmap=roadmap, user=user)
    name_who_saved(preview, roadmap=roadmap, user=user)
    return preview


# What the preview compares of a saved row, read as values (foreign keys as ids).
STORED_FIELDS = tuple(name for name in services.EDITABLE_FIELDS if name != "key_partners")


class _Reader:
    def __init__(self, roadmap: Roadmap, rows: list[tuple[int, list]], *, max_rows: int, options):
        self.max_rows = max_rows
        self.roadmap = roadmap
        self.rows = rows
        self.options = options
        self.actions = roadmap.actions.as_values("version", "position", *STORED_FIELDS)
        self.names = Names(roadmap, options)
        self.choices = {name: reading.choice_lookup(c) for name, c in CHOICE_FIELDS.items()}
        self.choices["currency"] = reading.currency_lookup(Action.Currency.choices)
        self.choice_labels = {name: dict(c) for name, c in CHOICE_FIELDS.items()}
        self.checked_dates: dict[tuple, list[str]] = {}

    # --- the sheet -------------------------------------------------------

    def preview(self) -> ImportPreview:
        at = header.header_at(self.rows, self.options)
        skipped = [number for number, _values in self.rows[:at]]
        header_row = self.rows[at][1]
        layout = mapping.layout_key([reading.text(value) for value in header_row])
        remembered = ImportMapping.objects.filter(roadmap=self.roadmap, layout=layout).first()
        if remembered is not None:
            self.options = self.options.under(remembered.mapping)
            self.names.options = self.options
        self.columns, ignored, notes = header.columns(header_row, self.options)
        self.headers = {
            key: reading.text(header_row[index]).strip() for index, key in self.columns.items()
        }
        self.letters = {key: get_column_letter(index + 1) for index, key in self.columns.items()}
        self.shares = self._progress_has_shares(self.rows[at + 1 :])
        # "Бюджет (лв.)": the currency of the budgets that name none themselves.
        self.budget_currency = reading.currency_named(self.headers.get("budget", ""))
        self.hand = HandMade(self, notes=notes)
        rows = []
        seen_ids: set[int] = set()
        progress.rows_read(len(self.rows) - at - 1)
        for number, values in self.rows[at + 1 :]:
            progress.row_checked()
            row = self._row(number, values, seen_ids)
            if row is not None:
                rows.append(row)
        if len(rows) > self.max_rows:
            raise WorkbookRejected(
                _("The sheet has more than %(count)s rows.") % {"count": self.max_rows}
            )
        preview = ImportPreview(
            rows,
            ignored_columns=ignored,
            skipped_rows=skipped,
            missing_rows=len(self.actions.keys() - seen_ids),
        )
        describe(preview, self, header_row, notes, layout=layout, remembered=remembered)
        return preview

    def _progress_has_shares(self, rows) -> bool:
        """Whether the progress column holds percentage cells (a share such as 0.85)."""
        index = next((i for i, key in self.columns.items() if key == "progress"), None)
        return index is not None and any(
            index < len(values) and reading.is_share(values[index]) for _number, values in rows
        )

    # --- one row -----------------------------------------------------------

    def _row(self, number: int, values: list, seen_ids: set[int]) -> RowPreview | None:
        cells = {
            key: values[index] if index < len(values) else None
            for index, key in self.columns.items()
        }
        notes = [values[index] for index in self.hand.notes if index < len(values)]
        if all(reading.blank(value) for value in [*cells.values(), *notes]):
            return None
        row = RowPreview(row=number, kind=NEW, title=reading.text(cells["title"]))
        row.cells = cells

        def error(key: str, message: str) -> None:
            self.hand.failed_cell(key, message)
            row.errors.append(f"{self.letters[key]}{number}: {message}")

        action = None
        if not reading.blank(cells.get("id")):
            try:
                row.action_id = reading.whole_number(cells["id"])
            except reading.CellError as exc:
                error("id", exc.message)
            else:
                action = self.actions.get(row.action_id)
                if action is None:
                    error(
                        "id",
                        _(
                            "no action with ID %(id)s in this roadmap; leave the ID empty "
                            "for a new action"
                        )
                        % {"id": row.action_id},
                    )
                elif row.action_id in seen_ids:
                    error(
                        "id",
                        _("the action with ID %(id)s is in the file twice; keep one row for it")
                        % {"id": row.action_id},
                    )
                seen_ids.add(row.action_id)
            try:
                row.version = reading.whole_number(cells["version"])
            except reading.CellError as exc:
                error("version", exc.message)
        elif not reading.blank(cells["title"]):
            action = self.hand.by_title(row, cells["title"], seen_ids)
        data = {}
        named_currency = None
        for key, value in cells.items():
            if key in ("id", "version", *READ_ONLY_COLUMNS):
                continue
            self.hand.counted(key, value)
            try:
                if key == "budget":
                    data[key], named_currency = self.hand.budget(value, row)
                    Action._meta.get_field(key).clean(data[key], None)
                elif key in ("start_date", "deadline"):
                    found = self.hand.date(key, value, row, data)
                    if not (found is None and key in data):
                        data[key] = found
                else:
                    data[key] = self._value(key, value, action)
            except reading.CellError as exc:
                error(key, exc.message)
            except ValidationError as exc:
                error(key, " ".join(exc.messages))
        if named_currency is not None:
            self._set_currency(data, cells, named_currency, error)
        elif data.get("budget") is not None and self.budget_currency:
            self._set_currency(data, cells, self.budget_currency, None)
        self.hand.fill(row, cells, values, data, action)
        self._check_together(row, data, action, error)
        if row.errors:
            row.kind = ERROR
            row.data = data  # what a partner's preview reads of a row with errors
            return row
        if action is None:
            row.data = data
            row.changes = [
                FieldChange(label(key), "", self.display(key, value))
                for key, value in data.items()
                if value not in (None, "", [], frozenset())
            ]
            return row
        return self._compare(row, action, data)

    def _set_currency(self, data: dict, cells: dict, named: str, error) -> None:
        """The currency a budget names ("€15,000") is the row's, unless the row has one;
        the header's (``error`` None) gives way to the currency column without a word."""
        if "currency" not in cells or reading.blank(cells["currency"]):
            data["currency"] = named
        elif error is not None and data.get("currency") not in (None, named):
            error(
                "budget",
                _("the amount is in %(named)s but the currency column says %(currency)s")
                % {"named": named, "currency": data["currency"]}
                + "; "
                + _("write the amount without a currency, or the same currency in both"),
            )

    def _value(self, key: str, value: object, action: dict | None):
        if key in TEXT_FIELDS:
            new = reading.text(value)
            stored = action[key] if action is not None else None
            if stored is not None and same_text(reading.line_breaks(stored), new):
                new = stored
            elif key == "title" and stored is not None and fold(stored) == fold(new):
                # Matched by its title: the title as saved (case, spaces, quotes).
                new = stored
            if key == "title" and action is None:
                new = new.strip()
            Action._meta.get_field(key).clean(new, None)
            return new
        if key in CHOICE_FIELDS:
            labels = self.choice_labels[key].values()
            if reading.blank(value):
                default = Action._meta.get_field(key).default
                if action is None and isinstance(default, str) and default:
                    return default
                raise reading.CellError(
                    _("empty; %(accepted)s") % {"accepted": reading.one_of(labels)}
                )
            if key in mapping.VALUE_FIELDS and self.hand.hand_made:
                # As the file writes it: the user's choice, else the suggestion.
                found = self.hand.choice(key, value)
            else:
                found = self.choices[key].get(normalise(reading.text(value)))
            if found is None:
                return reading.choice(value, self.choices[key], label(key), labels)
            return found
        if key == "people_days":
            number = reading.decimal(value)
            Action._meta.get_field(key).clean(number, None)
            return number
        if key == "progress":
            number = 0 if reading.blank(value) else reading.percent(value, shares=self.shares)
            Action._meta.get_field(key).clean(number, None)
            return number
        if key == "lead_partner":
            if reading.blank(value):
                return None
            return self.names.organisation(
                reading.text(value).strip(),
                _("write the name of an organisation of the working group"),
            )
        if key == "key_partners":
            return self.names.partners(value)
        if key == "challenge":
            return self.names.challenge(value)
        raise AssertionError(key)

    def _check_together(self, row: RowPreview, data: dict, action: dict | None, error) -> None:
        def value(key):
            if key in data:
                return data[key]
            return None if action is None else action[key]

        dates = {key: value(key) for key in DATE_FIELDS}
        if any(key in data for key in DATE_FIELDS) and (
            action is None or any(dates[key] != action[key] for key in DATE_FIELDS)
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

    def _compare(self, row: RowPreview, action: dict, data: dict) -> RowPreview:
        row.current_version = action["version"]
        changes = services.value_changes(stored=action, data=data)
        row.changes = [
            FieldChange(label(key), self.display(key, old), self.display(key, new))
            for key, (old, new) in changes.items()
        ]
        row.data = {key: data[key] for key in changes}
        if row.version is not None and row.version > row.current_version:
            row.errors.append(
                f"{self.letters.get('version', self.letters['title'])}{row.row}: "
                + _("version %(file)s is newer than the saved version %(saved)s")
                % {"file": row.version, "saved": row.current_version}
                + "; "
                + _("keep the version the workbook was downloaded with, or download it again")
            )
            row.kind = ERROR
        elif not changes:
            row.kind = UNCHANGED
        elif row.version is None or row.version < row.current_version:
            row.kind = CONFLICT
        else:
            row.kind = CHANGED
        return row

    def display(self, key: str, value) -> str:
        """``value`` of the field ``key`` as the preview shows it."""
        return shown(key, value, names=self.names, choice_labels=self.choice_labels)
