"""Writing values into cells so that what a user typed stays what they typed.

openpyxl turns any string starting with "=" into a formula and strings such as
"#N/A" into error cells, and Excel would evaluate "+", "-" and "@" when the
cell is edited. User text is therefore always written as a string cell
(``data_type`` "s") with the quote prefix set where it looks like a formula,
after removing the control characters the format forbids and cutting text
longer than a cell may hold.

Cells are openpyxl's own, each in one of the workbook's named styles,
registered once per workbook (``add_styles``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

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
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E2D0")
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
SPAN_FILL = PatternFill("solid", fgColor="8FBC8F")
SPAN_OVERDUE_FILL = PatternFill("solid", fgColor="E06666")

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
SPAN = "CSR span"
SPAN_OVERDUE = "CSR span, overdue"
_STYLES = (
    (TEXT, WRAP, None, None, None),
    (TEXT_OVERDUE, WRAP, OVERDUE_FILL, None, None),
    (HEADER, WRAP, HEADER_FILL, BOLD, None),
    (VALUE, TOP, None, None, None),
    (VALUE_OVERDUE, TOP, OVERDUE_FILL, None, None),
    (DATE, TOP, None, None, DATE_FORMAT),
    (DATE_OVERDUE, TOP, OVERDUE_FILL, None, DATE_FORMAT),
    (DATETIME, TOP, None, None, DATETIME_FORMAT),
    (PERCENT, TOP, None, None, "0%"),
    (MONTH, TOP, None, None, "mm.yyyy"),
    (SPAN, TOP, SPAN_FILL, None, None),
    (SPAN_OVERDUE, TOP, SPAN_OVERDUE_FILL, None, None),
)
# The style a date takes in place of a number's.
_DATE_STYLES = {VALUE: DATE, VALUE_OVERDUE: DATE_OVERDUE}


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


def clean_text(value: str) -> str:
    """Text as it can be stored in a cell: no forbidden characters, not too long.

    New lines become Excel's own (LF); browsers send CR LF.
    """
    text = NOT_IN_XML.sub("", value).replace("\r\n", "\n")
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


class Cells:
    """The cells of one write-only sheet, each in a named style of its workbook.

    A cell is made with its named style's style array, as openpyxl makes the cells
    it reads (``Cell(style_array=...)``): the same cell as one given the style by
    name (``cell.style = name``), without looking the style up again for each cell.
    """

    def __init__(self, ws, styles: dict[str, StyleArray]):
        self.ws = ws
        self.styles = styles

    def styled(self, style: str, value: object = None) -> Cell:
        """A cell of ``style``, empty unless given a value (a month of the Timeline)."""
        return Cell(self.ws, row=1, column=1, value=value, style_array=self.styles[style])

    def text(self, value: object, style: str = TEXT) -> Cell:
        """A string cell that is never a formula, an error value or a number."""
        text = clean_text(str(value)) if value not in (None, "") else ""
        if not text:
            return self.styled(style)
        cell = self.styled(style, text)
        # Text as text, whatever openpyxl guessed from its first character.
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return cell

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
