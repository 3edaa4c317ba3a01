"""The header row of the Action Table sheet and the columns it names.

The header row is the first row holding several recognised headers (the
workbook's own, in any of the site's languages, or their synonyms: see
``mapping``), so a title block typed above it is skipped. A column the import
does not know ("#") is ignored and named in the preview; one that has no field
yet (funding source, risks, comments) is a note kept in the description.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import reading
from .labels import label
from .mapping import NOTE, ImportOptions, header_key, suggest_field
from .preview import WorkbookRejected

# The header row is among the first this many rows that hold something.
SEARCH_ROWS = 10
# A header row holds at least this many recognised headers.
MIN_COLUMNS = 2
# Shown when no header row is found: the headers the import accepts for these.
NAMED_COLUMNS = ("title", "activity_type", "lead_partner", "deadline", "status")
# Rows shown (their first cells) when no header row is found.
SHOWN_ROWS = 5


def score(rows: list[tuple[int, list]]) -> int:
    """How much ``rows`` look like an Action Table: the most recognised headers in
    one of its first rows (0: none)."""
    best = 0
    for _number, values in rows[:SEARCH_ROWS]:
        known = {suggest_field(value) for value in values if not reading.blank(value)}
        known.discard(None)
        known.discard(NOTE)
        best = max(best, len(known))
    return best if best >= MIN_COLUMNS else 0


def header_at(rows: list[tuple[int, list]], options: ImportOptions | None = None) -> int:
    """Where the header row is among ``rows``: the first holding several recognised headers."""
    options = options or ImportOptions()
    fields = {None, NOTE}
    for at, (_number, values) in enumerate(rows[:SEARCH_ROWS]):
        known = [
            value
            for value in values
            if not reading.blank(value)
            and (options.column_for(value) not in fields or suggest_field(value) not in fields)
        ]
        if len(known) >= MIN_COLUMNS:
            return at
    shown = [
        " | ".join(reading.text(value).strip() for value in values[:8] if not reading.blank(value))
        for _number, values in rows[:SHOWN_ROWS]
    ]
    raise WorkbookRejected(
        _(
            "No header row found: none of the sheet's first %(count)s rows names at least "
            "%(least)s columns of the Action Table. The first rows read: %(rows)s. Headers "
            "accepted include: %(names)s."
        )
        % {
            "count": SEARCH_ROWS,
            "least": MIN_COLUMNS,
            "rows": "; ".join(reading.quoted(row) for row in shown) or "—",
            "names": ", ".join(reading.quoted(label(key)) for key in NAMED_COLUMNS),
        }
    )


def columns(
    header: list, options: ImportOptions | None = None
) -> tuple[dict[int, str], list[str], dict[int, str]]:
    """The field at each index of ``header``, the headers ignored, and the notes
    (index → header) kept in the description."""
    options = options or ImportOptions()
    found: dict[int, str] = {}
    ignored = []
    notes: dict[int, str] = {}
    for index, value in enumerate(header):
        if reading.blank(value):
            continue
        key = options.column_for(value)
        if key == NOTE:
            notes[index] = reading.text(value).strip()
        elif key is None:
            ignored.append(reading.text(value).strip())
        elif key in found.values() and header_key(value) not in options.columns:
            # A second column suggested for a field ("Outputs", "Result indicators"):
            # its text is kept in the description.
            notes[index] = reading.text(value).strip()
        elif key in found.values():
            raise WorkbookRejected(
                _("The column “%(name)s” appears twice; map one of them to another field.")
                % {"name": value}
            )
        else:
            found[index] = key
    if "id" in found.values() and "version" not in found.values():
        index = next(i for i, key in found.items() if key == "id")
        if header_key(header[index]) not in options.columns:
            # An "ID" of the file's own (its numbering), not the app's: without the
            # Version beside it, the column is ignored.
            del found[index]
            ignored.append(reading.text(header[index]).strip())
    if "id" in found.values():
        # The app's own workbook: a column of the user's own is ignored, as always.
        ignored = [
            reading.text(header[index]).strip()
            for index in sorted(
                [
                    *notes,
                    *(
                        index
                        for index, value in enumerate(header)
                        if not reading.blank(value) and index not in found and index not in notes
                    ),
                ]
            )
        ]
        notes = {}
    if "title" not in found.values():
        raise WorkbookRejected(
            _("No column is the action's title (%(name)s): map one to it.")
            % {"name": reading.quoted(label("title"))}
        )
    if "id" in found.values() and "version" not in found.values():
        raise WorkbookRejected(
            _("Columns missing: %(names)s.") % {"names": reading.quoted(label("version"))}
        )
    return found, ignored, notes
