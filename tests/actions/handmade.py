"""Spreadsheets as cities make them by hand, built with openpyxl the way people do:
a title block merged over the columns, headers of their own, challenges merged
over their rows, text deadlines, partners separated by commas (issue 18)."""

from __future__ import annotations

import io

import openpyxl

BG_HEADER = [
    "№", "Дейност", "Вид дейност", "Водещ партньор", "Партньори", "Срок", "Статус",
    "Бюджет", "Източник на финансиране", "Предизвикателство",
]  # fmt: skip
EN_PLAN = [
    "#", "Action", "Lead", "Partners", "Timeframe", "Budget (EUR)", "Funding source",
    "Status", "Comments",
]  # fmt: skip
IAP = [
    "Ref.", "Action", "Timescale", "Lead", "Partners", "Cost (€)", "Funding source",
    "Outputs", "Result indicators", "Risks",
]  # fmt: skip


def workbook(
    rows: list[list],
    *,
    title: str = "",
    sheet: str = "Лист1",
    merges: tuple[str, ...] = (),
    first_sheet: list[list] | None = None,
) -> openpyxl.Workbook:
    """A workbook whose sheet ``sheet`` holds ``rows`` (under a merged ``title`` row
    and an empty row when given); ``first_sheet``: another sheet before it."""
    book = openpyxl.Workbook()
    if first_sheet is not None:
        book.active.title = "Бележки"
        for row in first_sheet:
            book.active.append(row)
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    return book


def as_file(book: openpyxl.Workbook) -> io.BytesIO:
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
