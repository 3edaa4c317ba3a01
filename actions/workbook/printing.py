"""How each sheet of the workbook prints: A4 landscape, one page wide, the header
row (and the column naming the row) on every page, the roadmap, the sheet and the
day in the page header and "page n of m" in the footer.

All through openpyxl's page setup, which its write-only sheets write after
their rows (page setup, header and footer) and its workbook as defined names
(the print titles), so a sheet can be set up any time before the workbook is saved.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core.text import one_line

from .cells import FONT_NAME

# Excel refuses a header or footer longer than 255 characters, its codes included.
MAX_TITLE = 100
HEADER_SIZE = 9


def header_text(text: str) -> str:
    """``text`` as it shows in a page header: on one line, without what a file cannot
    hold (core.text), and "&" doubled (it starts a code there)."""
    text = one_line(text)
    if len(text) > MAX_TITLE:
        text = text[: MAX_TITLE - 1] + "…"
    return text.replace("&", "&&")


def set_up_pages(
    ws,
    *,
    roadmap_title: str,
    day: datetime.date,
    title_rows: str | None = "1:1",
    title_cols: str | None = None,
    print_area: str | None = None,
) -> None:
    """Print ``ws`` on A4 landscape, one page wide and as many pages long as it takes,
    with ``title_rows`` (and ``title_cols``) repeated on every page."""
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as the rows take
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    if print_area:
        ws.print_area = print_area
    parts = (
        (ws.oddHeader.left, header_text(roadmap_title)),
        (ws.oddHeader.center, "&A"),  # the sheet's name
        (ws.oddHeader.right, day.strftime("%d.%m.%Y")),
        (
            ws.oddFooter.center,
            header_text(_("Page %(page)s of %(pages)s")) % {"page": "&P", "pages": "&N"},
        ),
    )
    for part, text in parts:
        part.text = text
        part.font = f"{FONT_NAME},Regular"
        part.size = HEADER_SIZE
