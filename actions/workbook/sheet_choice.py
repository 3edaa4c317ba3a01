"""Which sheet of a workbook is its Action Table: the one the user chose, else the
one named as the export names it, else the one whose first rows hold the most
recognised headers (a hand-made file's "Лист1", "Plan", "IAP")."""

from __future__ import annotations

import logging
from typing import IO

from django.utils.translation import gettext as _

from . import files, header, mapping, reading
from .labels import normalise, recognise
from .mapping import ImportOptions
from .preview import WorkbookRejected

logger = logging.getLogger(__name__)


def _unreadable() -> WorkbookRejected:
    return WorkbookRejected(_("The workbook cannot be read."), status=400)


def _is_action_sheet(title: str) -> bool:
    return recognise(title) == "sheet_actions"


def read_action_sheet(fileobj: IO[bytes], options: ImportOptions, *, max_rows: int):
    """The non-blank rows of the workbook's Action Table sheet (``files.SheetRows``)."""
    mapping.warm_up()
    if options.sheet:
        chosen = normalise(options.sheet)

        def wanted(title: str) -> bool:
            return normalise(title) == chosen

        score = None
    else:
        wanted, score = _is_action_sheet, header.score
    try:
        sheet = files.read_sheet(
            fileobj, wanted, max_rows=max_rows + header.SEARCH_ROWS, score=score
        )
    except files.SheetMissing as exc:
        names = ", ".join(reading.quoted(name) for name in exc.sheet_names) or "—"
        if options.sheet:
            message = _("The workbook has no sheet named “%(name)s”; its sheets: %(names)s.") % {
                "name": options.sheet,
                "names": names,
            }
        else:
            message = _(
                "No sheet of the workbook looks like an Action Table: none has a header row "
                "naming at least %(least)s of its columns (%(names)s)."
            ) % {"least": header.MIN_COLUMNS, "names": names}
        raise WorkbookRejected(message) from None
    except files.TooManyRows:
        raise WorkbookRejected(
            _("The sheet has more than %(count)s rows.") % {"count": max_rows}
        ) from None
    except files.Unreadable as exc:
        logger.info("Upload refused: python-calamine cannot read it (%s).", exc)
        raise _unreadable() from None
    return sheet
