"""Write-only sheets whose rows are cells made by ``cells``, written as text.

openpyxl's write-only sheet makes a cell object of every value it is given and
writes it as three to five XML elements, one call each; at 5,000 actions that
was most of the export's time. These sheets take rows of ``SheetCell`` (None
for no cell), whose XML ``cells`` made and escaped, and write each row as one
piece of text into the sheet's file, encoded as lxml encodes the rest of it:
the file is the same, byte for byte. Everything around the rows (columns,
frozen panes, filters, validations) is openpyxl's.
"""

from __future__ import annotations

from openpyxl import LXML
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, xmlfile

# The column letters of the widest sheet (the Timeline: 3 columns and 120 months), and more.
_LETTERS = [get_column_letter(column) for column in range(1, 257)]


def row_xml(cells, row: int) -> str:
    """The XML of row number ``row`` holding ``cells`` (SheetCell or None)."""
    number = str(row)
    parts = [f'<row r="{number}">']
    for column, cell in enumerate(cells):
        if cell is None:
            continue
        letter = _LETTERS[column] if column < len(_LETTERS) else get_column_letter(column + 1)
        # Only a SheetCell has .xml: a plain value fails here rather than go in as markup.
        parts.append(f'<c r="{letter}{number}"{cell.xml}')
    parts.append("</row>")
    return "".join(parts)


class _Writer(WorksheetWriter):
    """openpyxl's sheet writer, with the file open where the sheet can write its rows."""

    file = None

    def get_stream(self):
        # WorksheetWriter.get_stream, but lxml writes to a file object the sheet
        # also holds, instead of a file it opens by name.
        with open(self.out, "wb") as file, xmlfile(file) as xf:
            self.file = file
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        element = yield
                        if element is True:
                            yield xf
                        elif element is not None:
                            xf.write(element)
                except GeneratorExit:
                    pass


class _Sheet(WriteOnlyWorksheet):
    def _get_writer(self):
        if self._writer is None:
            self._writer = _Writer(self) if LXML else WorksheetWriter(self)
            self._writer.write_top()

    def _write_rows(self):
        # WriteOnlyWorksheet._write_rows, each row written as one piece.
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            if LXML:
                # What lxml holds goes to the file first; it writes nothing
                # more until </sheetData>.
                xf.flush()
                write = self._writer.file.write
            row = 1
            try:
                while True:
                    cells = yield
                    if LXML:
                        # ASCII with character references, as lxml writes the rest.
                        write(row_xml(cells, row).encode("ascii", "xmlcharrefreplace"))
                    else:
                        xf.write(fromstring(row_xml(cells, row)))
                    row += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


def add_sheet(workbook, title: str) -> WriteOnlyWorksheet:
    """A new last sheet of the write-only ``workbook``, taking rows of ``SheetCell``."""
    sheet = _Sheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet
