"""What the preview says of the file as a whole beside its rows: the sheet, each
column and the field it became, each distinct list value and its entry, the
defaults, what the file names and the database lacks, and the columns that
failed in every row (one message each instead of one per cell)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .. import services
from . import reading
from .labels import label
from .mapping import NOTE, header_key
from .preview import ERROR, ColumnMapping, ImportPreview, ValueMapping


def field_label(key: str | None) -> str:
    if key is None:
        return _("(ignored)")
    if key == NOTE:
        return _("kept in the description")
    return label(key)


def describe(
    preview: ImportPreview, reader, header_row: list, notes: dict[int, str], *, layout, remembered
) -> None:
    preview.layout = layout
    preview.remembered = remembered is not None
    preview.hand_made = reader.hand.hand_made
    for index, value in enumerate(header_row):
        if reading.blank(value):
            continue
        key = reader.columns.get(index) or (NOTE if index in notes else None)
        preview.columns.append(
            ColumnMapping(
                index=index,
                letter=get_column_letter(index + 1),
                header=reading.text(value).strip(),
                field=key,
                field_label=field_label(key),
            )
        )
    for key, values in reader.hand.values.items():
        labels = reader.choice_labels[key]
        for folded, (text, entry) in sorted(values.items()):
            preview.values.append(
                ValueMapping(
                    field=key,
                    field_label=label(key),
                    text=text,
                    folded=folded,
                    entry=entry,
                    entry_label=str(labels.get(entry, "")) if entry else "",
                )
            )
    preview.defaults = dict(reader.hand.defaults)
    preview.missing_organisations = dict(reader.names.missing_organisations)
    preview.missing_challenges = dict(reader.names.missing_challenges)
    options = reader.options
    preview.create_organisations = {
        name: options.create_organisations[folded]
        for folded, name in preview.missing_organisations.items()
        if folded in options.create_organisations
    }
    preview.create_challenges = {
        name: options.create_challenges[folded]
        for folded, name in preview.missing_challenges.items()
        if folded in options.create_challenges
    }
    failed = reader.hand.failed_columns()
    for key, message in failed.items():
        preview.column_errors.append(message)
        prefix = reader.letters[key]
        for row in preview.rows:
            row.errors = [
                error for error in row.errors if not error.startswith(f"{prefix}{row.row}: ")
            ]
            if row.kind == ERROR and not row.errors:
                row.errors.append(
                    _("%(cell)s: see the column's message above") % {"cell": f"{prefix}{row.row}"}
                )


def confirmed_mapping(preview: ImportPreview) -> dict:
    """The mapping the preview used, every column and value of it, as plain data to
    remember for the layout (``ImportOptions.remembered`` reads it back)."""
    values: dict[str, dict[str, str]] = {}
    for value in preview.values:
        if value.entry:
            values.setdefault(value.field, {})[value.folded] = value.entry
    return {
        "columns": {header_key(column.header): column.field or "" for column in preview.columns},
        "values": values,
        "defaults": dict(preview.defaults),
    }


def remember(*, roadmap, preview: ImportPreview, by) -> None:
    """Keep a hand-made file's confirmed mapping for its layout (the app's own
    workbook maps itself); a partner's import remembers nothing of the roadmap's."""
    if preview.hand_made and preview.layout and not preview.partner:
        services.import_mapping_remember(
            roadmap=roadmap, layout=preview.layout, mapping=confirmed_mapping(preview), by=by
        )
