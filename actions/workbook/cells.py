"""Writing values into cells so that what a user typed stays what they typed.

openpyxl turns any string starting with "=" into a formula and strings such as
"#N/A" into error cells, and Excel would evaluate "+", "-" and "@" when the
cell is edited. User text is therefore always written as a string cell with
the quote prefix set, after removing the control characters the format
forbids and cutting text longer than a cell may hold.
"""

from __future__ import annotations

import datetime
from copy import copy
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill

MAX_CELL_TEXT = 32_767
# Language-neutral, so that the import recognises a cut text in either language.
CUT_MARK = " […]"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"

WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E2D0")
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
SPAN_FILL = PatternFill("solid", fgColor="8FBC8F")
SPAN_OVERDUE_FILL = PatternFill("solid", fgColor="E06666")


def clean_text(value: str) -> str:
    """Text as it can be stored in a cell: no forbidden characters, not too long.

    New lines become Excel's own (LF); browsers send CR LF.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n")
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
        return ILLEGAL_CHARACTERS_RE.sub("", stored).startswith(from_cell[: -len(CUT_MARK)])
    return False


class _SharedStyle:
    """A style array that many cells hold, and its id in the workbook once known."""

    __slots__ = ("array", "style_id")

    def __init__(self, array):
        self.array = array
        self.style_id = None


class _Cell(Cell):
    """A write-only cell that asks the workbook for its style's id once per style.

    openpyxl looks the id up for every cell it writes, hashing the style array
    each time; the cells made here share their style (``_style``), so the first
    cell of a style that is written looks it up for all of them (in the order
    cells are written, so the workbook's list of styles is the same).
    """

    __slots__ = ("_shared",)

    @property
    def style_id(self):
        shared = self._shared
        if shared is None:
            return Cell.style_id.fget(self)
        if shared.style_id is None:
            shared.style_id = self.parent.parent._cell_styles.add(shared.array)
        return shared.style_id


def _cell(ws, shared: _SharedStyle) -> _Cell:
    cell = _Cell(ws, row=1, column=1)
    cell._style = shared.array
    cell._shared = shared
    return cell


def _style(ws, alignment, *, fill=None, number_format: str = "", quote_prefix: bool = False):
    """The style of a cell, made once per workbook and then shared.

    Setting ``cell.alignment`` or ``cell.fill`` makes openpyxl hash the style
    object to find it in the workbook's list, for every cell: on a workbook of
    5,000 actions that was a third of the export's time. The styles are
    module constants, so their ids make a key; the cache holds them alive.
    Every cell of a style holds the same array (openpyxl only reads it when it
    writes the cell): a caller that changes a cell's style calls
    ``own_style`` first.
    """
    cache = ws.parent.__dict__.setdefault("_csr_styles", {})
    key = (id(alignment), id(fill), number_format, quote_prefix)
    found = cache.get(key)
    if found is None:
        # A scratch cell turns the style objects into the array of their ids.
        cell = WriteOnlyCell(ws)
        cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        cell.quotePrefix = quote_prefix
        found = cache[key] = (_SharedStyle(cell._style), alignment, fill)
    return found[0]


def takes_cells(ws) -> None:
    """Let the write-only sheet ``ws`` take the cells of an appended row as they are.

    openpyxl's write-only ``append`` first tries each item as a value on a
    scratch cell; for a cell that fails, and the error message it formats (with
    the cell's repr) costs more than writing the cell. This sheet's rows hold
    cells made here, or None for an empty cell; a plain value still works.
    """

    def values_to_row(values, row_idx):
        for column, cell in enumerate(values, 1):
            if cell is None:
                continue
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(ws, cell)
            cell.column = column
            cell.row = row_idx
            yield cell

    ws._values_to_row = values_to_row


def own_style(cell: _Cell) -> _Cell:
    """Give ``cell`` a style array of its own, before changing its font, fill or format."""
    cell._style = copy(cell._style)
    cell._shared = None
    return cell


def text_cell(ws, value: object, *, fill: PatternFill | None = None, wrap: bool = True):
    """A string cell that is never a formula, an error value or a number."""
    text = clean_text(str(value)) if value not in (None, "") else ""
    style = _style(
        ws, WRAP if wrap else TOP, fill=fill, quote_prefix=text.startswith(FORMULA_STARTS)
    )
    cell = _cell(ws, style)
    # Set as it is, not through cell.value, which would guess a formula or an
    # error from the first character: this is text. clean_text already removed
    # what openpyxl's check of a string would refuse, and cut it to size.
    cell._value = text
    cell.data_type = "s"
    return cell


def value_cell(ws, value: object, *, fill: PatternFill | None = None, number_format: str = ""):
    """A date, number or empty cell (values the app computed, not typed text)."""
    cell = _Cell(ws, row=1, column=1)
    if isinstance(value, (int, float, Decimal, datetime.date)) and not isinstance(value, bool):
        cell.value = value
        if isinstance(value, datetime.datetime):
            number_format = number_format or DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            number_format = DATE_FORMAT
    elif value is not None:
        raise TypeError(f"value_cell takes dates and numbers, not {type(value).__name__}")
    else:
        # An empty cell had no number format of its own.
        number_format = ""
    style = _style(ws, TOP, fill=fill, number_format=number_format)
    cell._style = style.array
    cell._shared = style
    return cell


def header_cell(ws, text: str):
    cell = own_style(text_cell(ws, text))
    cell.font = BOLD
    cell.fill = HEADER_FILL
    return cell
