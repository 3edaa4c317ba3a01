"""The header row of the Action Table sheet and the columns it names.

The header row is the first row holding the workbook's headers, so a title or
a note typed above it is skipped. Columns are recognised by their header in
any of the site's languages; a column the workbook does not have ("Comments")
is ignored, and named in the preview.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import reading
from .export import COLUMN_KEYS
from .labels import label, recognise
from .preview import WorkbookRejected

# The header row is among the first this many rows that hold something.
SEARCH_ROWS = 10
# A header row holds at least this many of the workbook's headers.
MIN_COLUMNS = 2
REQUIRED_COLUMNS = ("title", "activity_type", "id", "version")


def header_at(rows: list[tuple[int, list]]) -> int:
    """Where the header row is among ``rows``: the first holding the workbook's headers."""
    for at, (_number, values) in enumerate(rows[:SEARCH_ROWS]):
        known = {recognise(value) for value in values if not reading.blank(value)}
        if len(known & set(COLUMN_KEYS)) >= MIN_COLUMNS:
            return at
    raise WorkbookRejected(
        _(
            "The Action Table sheet has no header row: none of its first %(count)s rows "
            "holds the headers of an exported workbook (%(names)s)."
        )
        % {
            "count": SEARCH_ROWS,
            "names": ", ".join(reading.quoted(label(key)) for key in REQUIRED_COLUMNS),
        }
    )


def columns(header: list) -> tuple[dict[int, str], list[str]]:
    """The column key at each index of ``header``, and the headers ignored."""
    found: dict[int, str] = {}
    ignored = []
    for index, value in enumerate(header):
        if reading.blank(value):
            continue
        key = recognise(value)
        if key not in COLUMN_KEYS:
            ignored.append(reading.text(value).strip())
        elif key in found.values():
            raise WorkbookRejected(_("The column “%(name)s” appears twice.") % {"name": value})
        else:
            found[index] = key
    missing = [label(key) for key in REQUIRED_COLUMNS if key not in found.values()]
    if missing:
        raise WorkbookRejected(
            _("Columns missing: %(names)s.")
            % {"names": ", ".join(reading.quoted(name) for name in missing)}
        )
    return found, ignored
