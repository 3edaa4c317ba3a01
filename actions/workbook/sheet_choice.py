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


def action_sheet_request(options: ImportOptions, *, max_rows: int) -> files.SheetRequest:
    """What to ask ``files.read_sheets`` for: the sheet the user chose, else the one
    named as the export names it, else the one whose header scores best. Needed: the
    other sheets are not read when it cannot be."""
    mapping.warm_up()
    if options.sheet:
        chosen = normalise(options.sheet)

        def wanted(title: str) -> bool:
            return normalise(title) == chosen

        score = None
    else:
        wanted, score = _is_action_sheet, header.score
    return files.SheetRequest(
        wanted, max_rows=max_rows + header.SEARCH_ROWS, score=score, needed=True
    )


def action_sheet(answer, options: ImportOptions, *, max_rows: int) -> files.SheetRows:
    """The Action Table sheet's rows from ``answer`` (``files.read_sheets``' answer to
    ``action_sheet_request``), or WorkbookRejected saying why there are none."""
    if isinstance(answer, files.SheetMissing):
        names = ", ".join(reading.quoted(name) for name in answer.sheet_names) or "—"
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
        raise WorkbookRejected(message)
    if isinstance(answer, files.TooManyRows):
        raise WorkbookRejected(_("The sheet has more than %(count)s rows.") % {"count": max_rows})
    if isinstance(answer, files.Unreadable):
        logger.info("Upload refused: python-calamine cannot read it (%s).", answer)
        raise _unreadable()
    return answer


def read_action_sheet(fileobj: IO[bytes], options: ImportOptions, *, max_rows: int):
    """The non-blank rows of the workbook's Action Table sheet (``files.SheetRows``)."""
    request = action_sheet_request(options, max_rows=max_rows)
    (answer,) = files.read_sheets(fileobj, [request])
    return action_sheet(answer, options, max_rows=max_rows)
