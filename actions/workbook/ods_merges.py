"""The merged ranges of an .ods sheet, which python-calamine (0.9) does not give
(``merged_cell_ranges`` is None for an OpenDocument file; it gives them for
.xlsx and .xls).

An OpenDocument table writes a merged range as the first cell with
``table:number-rows-spanned`` / ``table:number-columns-spanned``, followed by
covered cells. content.xml is read as a stream (defusedxml: no entities, no
DTD), counting rows and cells with their ``number-*-repeated`` (a file may
repeat an empty row a million times: counted, never built), and dropping each
row once read. Called in the capped child that reads the file
(``files._read``); the ranges are as calamine gives them: ((first row, first
column), (last row, last column)), from 0.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml.ElementTree import iterparse

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TABLE_TAG = f"{{{_TABLE}}}table"
_ROW = f"{{{_TABLE}}}table-row"
_CELLS = (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")
_NAME = f"{{{_TABLE}}}name"
# Cells merged over more than this many are not filled (a crafted span).
MAX_SPAN = 1_000_000


def _number(element, name: str) -> int:
    try:
        return max(1, int(element.get(f"{{{_TABLE}}}{name}", "1")))
    except ValueError:
        return 1


def merged_ranges(content: bytes, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The merged ranges of the sheet named ``sheet`` in the .ods ``content``; [] for a
    file that is not an .ods."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        part = archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError):
        return []
    found = []
    in_sheet = False
    row = 0
    with part:
        for event, element in iterparse(part, events=("start", "end")):
            if element.tag == _TABLE_TAG:
                if event == "start":
                    in_sheet, row = element.get(_NAME) == sheet, 0
                elif in_sheet:
                    break
                continue
            if not in_sheet or element.tag != _ROW or event != "end":
                continue
            column = 0
            for cell in element:
                if cell.tag not in _CELLS:
                    continue
                rows, columns = (
                    _number(cell, "number-rows-spanned"),
                    _number(cell, "number-columns-spanned"),
                )
                if (rows > 1 or columns > 1) and rows * columns <= MAX_SPAN:
                    found.append(((row, column), (row + rows - 1, column + columns - 1)))
                column += _number(cell, "number-columns-repeated")
            row += _number(element, "number-rows-repeated")
            element.clear()
    return found
