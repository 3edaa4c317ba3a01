"""Writing values into cells so that what a user typed stays what they typed.

openpyxl turns any string starting with "=" into a formula and strings such as
"#N/A" into error cells, and Excel would evaluate "+", "-" and "@" when the
cell is edited. User text is therefore always written as a string cell
(``data_type`` "s") with the quote prefix set where it looks like a formula,
after removing the control characters the format forbids and cutting text
longer than a cell may hold.

Cells are openpyxl's own, each in one of the workbook's named styles,
registered once per workbook (``add_styles``), every one with its font named
(a font without a name is drawn in whatever the client falls back to, a serif in
LibreOffice). A row is appended through ``Cells.append``, which sets its height
from its wrapped text and the column widths: LibreOffice keeps a row at the
default height whatever it holds, and Excel does not fit rows it opens.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension, RowDimension

from core.text import NOT_IN_XML

if TYPE_CHECKING:
    from openpyxl.styles.cell_style import StyleArray

MAX_CELL_TEXT = 32_767
# Language-neutral, so that the import recognises a cut text in either language.
CUT_MARK = " […]"
# Excel reads the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) as formula
# starts too when a cell is edited, as East Asian input methods type them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"

WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# The month headers of the Timeline, turned upright so that a month column stays narrow.
UPRIGHT = Alignment(horizontal="center", vertical="bottom", text_rotation=90)
# Arial: every Excel has it, and LibreOffice draws it with the metric-compatible
# Liberation Sans (or the fonts it has), so widths and heights mean the same.
FONT_NAME = "Arial"
FONT_SIZE = 10
FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E2D0")
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
SPAN_FILL = PatternFill("solid", fgColor="8FBC8F")
SPAN_OVERDUE_FILL = PatternFill("solid", fgColor="E06666")
# Done, as the timeline page draws it.
SPAN_DONE_FILL = PatternFill("solid", fgColor="BFBFBF")
NOW_FILL = PatternFill("solid", fgColor="FFD966")

# The workbook's named styles: (name, alignment, fill, font, number format).
TEXT = "CSR text"
TEXT_OVERDUE = "CSR text, overdue"
HEADER = "CSR header"
VALUE = "CSR value"
VALUE_OVERDUE = "CSR value, overdue"
DATE = "CSR date"
DATE_OVERDUE = "CSR date, overdue"
DATETIME = "CSR date and time"
PERCENT = "CSR percent"
MONTH = "CSR month"
MONTH_HEADER = "CSR month header"
MONTH_NOW = "CSR month header, current"
NOW = "CSR current month"
SPAN = "CSR span"
SPAN_OVERDUE = "CSR span, overdue"
SPAN_DONE = "CSR span, done"
MONTH_FORMAT = "mm.yyyy"
_STYLES = (
    (TEXT, WRAP, None, FONT, None),
    (TEXT_OVERDUE, WRAP, OVERDUE_FILL, FONT, None),
    (HEADER, WRAP, HEADER_FILL, BOLD, None),
    (VALUE, TOP, None, FONT, None),
    (VALUE_OVERDUE, TOP, OVERDUE_FILL, FONT, None),
    (DATE, TOP, None, FONT, DATE_FORMAT),
    (DATE_OVERDUE, TOP, OVERDUE_FILL, FONT, DATE_FORMAT),
    (DATETIME, TOP, None, FONT, DATETIME_FORMAT),
    (PERCENT, TOP, None, FONT, "0%"),
    (MONTH, TOP, None, FONT, MONTH_FORMAT),
    (MONTH_HEADER, UPRIGHT, HEADER_FILL, BOLD, MONTH_FORMAT),
    (MONTH_NOW, UPRIGHT, NOW_FILL, BOLD, MONTH_FORMAT),
    (NOW, TOP, NOW_FILL, BOLD, None),
    (SPAN, TOP, SPAN_FILL, FONT, None),
    (SPAN_OVERDUE, TOP, SPAN_OVERDUE_FILL, FONT, None),
    (SPAN_DONE, TOP, SPAN_DONE_FILL, FONT, None),
)
# The style a date takes in place of a number's.
_DATE_STYLES = {VALUE: DATE, VALUE_OVERDUE: DATE_OVERDUE}

# The row heights: how many characters of text a line of a wrapped cell holds per
# unit of column width (the width of a "0" of the workbook's default font, Calibri
# 11, which is wider than the average letter of Arial 10: a little to spare, for
# the words wrapped whole and for a client drawing a wider font), and the points
# one line of Arial 10 takes (Excel's 12.75, and a little for LibreOffice's fonts).
CHARS_PER_WIDTH = 1.0
LINE_POINTS = 13.0
ROW_PADDING_POINTS = 2.0
MAX_ROW_POINTS = 409.0  # the most a row may be, in Excel and LibreOffice


def add_styles(workbook) -> dict[str, StyleArray]:
    """Register the named styles of ``workbook``'s cells, once; return each one's
    style array by name, which the cells of ``Cells`` are made with."""
    arrays = {}
    for name, alignment, fill, font, number_format in _STYLES:
        style = NamedStyle(
            name=name,
            alignment=alignment,
            fill=fill,
            font=font,
            number_format=number_format or "General",
        )
        workbook.add_named_style(style)
        arrays[name] = style.as_tuple()
    return arrays


def rule_fill(fill: PatternFill) -> PatternFill:
    """``fill`` as a conditional format draws it: a solid fill of a differential style
    takes its colour from the background colour in Excel, so both colours are set."""
    return PatternFill(fill.fill_type, fgColor=fill.fgColor, bgColor=fill.fgColor)


def clean_text(value: str) -> str:
    """Text as it can be stored in a cell: no forbidden characters, not too long.

    New lines become Excel's own (LF): browsers send CR LF, and a CR alone is a
    line break too (LibreOffice saves it back as LF).
    """
    text = NOT_IN_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(CUT_MARK)] + CUT_MARK
    return text


def same_text(stored: str, from_cell: str) -> bool:
    """Whether ``from_cell`` is ``stored`` after a trip through a cell.

    Browsers send new lines as CR LF, which XML reads back as LF; forbidden
    characters were removed and over-long text cut on the way out.
    """
    stored = stored.replace("\r\n", "\n")
    from_cell = from_cell.replace("\r\n", "\n")
    if from_cell == stored:
        return True
    cleaned = clean_text(stored).replace("\r\n", "\n")
    if from_cell == cleaned:
        return True
    if from_cell.endswith(CUT_MARK):
        return NOT_IN_XML.sub("", stored).startswith(from_cell[: -len(CUT_MARK)])
    return False


def as_text(cell: Cell) -> Cell:
    """``cell``, holding text that went through ``clean_text``, as a string cell: never
    a formula, whatever openpyxl guessed from its first character, and quote-prefixed
    where Excel would read a formula on editing it. For a cell of an ordinary sheet
    too (the template's lists), which ``Cells`` does not write."""
    cell.data_type = "s"
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


class Cells:
    """The cells of one write-only sheet, each in a named style of its workbook.

    A cell is made with its named style's style array, as openpyxl makes the cells
    it reads (``Cell(style_array=...)``): the same cell as one given the style by
    name (``cell.style = name``), without looking the style up again for each cell.

    An empty cell is one object per style, shared (openpyxl writes each cell of a
    row before it takes the next). An empty cell
    of TEXT or VALUE, which draws nothing, is not written at all (``append``);
    the columns carry the TEXT style (``set_widths``), so that what a partner
    types there later looks as the cells around it. A written cell costs openpyxl
    and its serializer about as much empty as full: fewer cells is what pays.
    """

    def __init__(self, ws, styles: dict[str, StyleArray]):
        self.ws = ws
        self.styles = styles
        self.rows = 0
        self._per_line: tuple[int, ...] = ()
        # One dimension per height, shared by the rows of that height: a row's
        # dimension says only its height (the writer numbers the row itself), and
        # making one is a tenth of a row's cost (a Strict object of ten fields).
        self._heights: dict[float, RowDimension] = {}
        self._empty: dict[str, Cell] = {}
        self._blank_text = self.styled(TEXT)
        self._blank_value = self.styled(VALUE)

    def set_widths(self, widths: Sequence[float]) -> None:
        """Set the widths of the sheet's first columns, before any row is appended
        (write-only), and keep them for the rows' heights."""
        for index, width in enumerate(widths, start=1):
            letter = get_column_letter(index)
            self.ws.column_dimensions[letter] = ColumnDimension(
                self.ws, index=letter, width=width, style=self.styles[TEXT]
            )
        self._per_line = tuple(max(1, int(width * CHARS_PER_WIDTH)) for width in widths)

    def append(self, row: Sequence[Cell | None], height: float | None = None) -> None:
        """Append ``row`` to the sheet, as high as its wrapped text needs (``lines``)
        or ``height`` points. A row of one line keeps the default height."""
        self.rows += 1
        blank_text, blank_value = self._blank_text, self._blank_value
        row = [None if cell is blank_text or cell is blank_value else cell for cell in row]
        if height is None:
            lines = self.lines(row)
            if lines > 1:
                height = min(lines * LINE_POINTS + ROW_PADDING_POINTS, MAX_ROW_POINTS)
        if height is None:
            self.ws.append(row)
            return
        # The height goes out with the row; the dimension is dropped once written,
        # so that memory does not grow with the rows (write-only).
        dimensions = self.ws.row_dimensions
        dimension = self._heights.get(height)
        if dimension is None:
            dimension = self._heights[height] = RowDimension(self.ws, ht=height)
        dimensions[self.rows] = dimension
        self.ws.append(row)
        del dimensions[self.rows]

    def lines(self, row: Sequence[Cell | None]) -> int:
        """The most lines a text of ``row`` takes in its column: each line break
        counts, and each line wraps at the column's width."""
        most = 1
        for cell, per_line in zip(row, self._per_line, strict=False):
            if cell is None:
                continue
            text = cell.value
            if not isinstance(text, str) or (len(text) <= per_line and "\n" not in text):
                continue
            lines = sum(-(-len(line) // per_line) or 1 for line in text.split("\n"))
            most = max(most, lines)
        return most

    def styled(self, style: str, value: object = None) -> Cell:
        """A cell of ``style``, empty unless given a value (a month of the Timeline);
        the empty one is shared: leave it as it is."""
        if value is None:
            empty = self._empty.get(style)
            if empty is None:
                empty = self._empty[style] = Cell(
                    self.ws, row=1, column=1, style_array=self.styles[style]
                )
            return empty
        return Cell(self.ws, row=1, column=1, value=value, style_array=self.styles[style])

    def text(self, value: object, style: str = TEXT) -> Cell:
        """A string cell that is never a formula, an error value or a number."""
        text = clean_text(str(value)) if value not in (None, "") else ""
        if not text:
            return self.styled(style)
        return as_text(self.styled(style, text))

    def value(self, value: object, style: str = VALUE) -> Cell:
        """A date, number or empty cell (values the app computed, not typed text).

        Dates take the date style of ``style`` (DATE_FORMAT), unless ``style`` has a
        number format of its own (MONTH); a date and time is DATETIME.
        """
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                raise TypeError("A cell holds no time zone: make the datetime naive first.")
            style = DATETIME
        elif isinstance(value, datetime.date):
            style = _DATE_STYLES.get(style, style)
        elif value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float, Decimal))
        ):
            raise TypeError(f"Cells.value takes dates and numbers, not {type(value).__name__}")
        return self.styled(style, value)

    def header(self, text: str) -> Cell:
        return self.text(text, HEADER)
