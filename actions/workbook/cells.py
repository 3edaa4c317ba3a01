"""Writing values into cells so that what a user typed stays what they typed.

openpyxl turns any string starting with "=" into a formula and strings such as
"#N/A" into error cells, and Excel would evaluate "+", "-" and "@" when the
cell is edited. User text is therefore always written as a string cell with
the quote prefix set, after removing the control characters the format
forbids and cutting text longer than a cell may hold.

The cells made here are the XML that openpyxl would write for them, escaped
here and written as it is by the sheets of ``streaming`` (openpyxl's own cell
objects, written element by element, were most of the export's time).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from math import isinf, isnan

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.datetime import to_excel

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

# What XML 1.0 cannot hold: the control characters openpyxl refuses
# (ILLEGAL_CHARACTERS_RE), and surrogates and U+FFFE, U+FFFF.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


class SheetCell:
    """A cell for a sheet of ``streaming``: its XML after the cell's reference,
    escaped. Only cells made here have it, so a value cannot slip into the
    file as markup."""

    __slots__ = ("xml",)

    def __init__(self, xml: str):
        self.xml = xml


def _style(
    ws,
    alignment: Alignment,
    *,
    fill: PatternFill | None = None,
    font: Font | None = None,
    number_format: str = "",
    quote_prefix: bool = False,
) -> str:
    """The ``s`` attribute of a cell of this style, made once per workbook.

    The style objects are module constants, so their ids make a key; the cache
    holds them alive. The workbook numbers a style when a cell first asks for
    it, as openpyxl does when it first writes one.
    """
    cache = ws.parent.__dict__.setdefault("_csr_styles", {})
    key = (id(alignment), id(fill), id(font), number_format, quote_prefix)
    found = cache.get(key)
    if found is None:
        # A scratch cell turns the style objects into the array of their ids.
        cell = WriteOnlyCell(ws)
        cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        cell.quotePrefix = quote_prefix
        style_id = ws.parent._cell_styles.add(cell._style)
        found = cache[key] = (f' s="{style_id}"', alignment, fill, font)
    return found[0]


def _escape(text: str) -> str:
    # As lxml escapes text; a carriage return as a reference, or a reader
    # would take it for a new line.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _text_xml(style: str, text: str) -> SheetCell:
    if not text:
        return SheetCell(f'{style} t="inlineStr"></c>')
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return SheetCell(f'{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>')


def text_cell(
    ws,
    value: object,
    *,
    fill: PatternFill | None = None,
    wrap: bool = True,
    font: Font | None = None,
) -> SheetCell:
    """A string cell that is never a formula, an error value or a number."""
    # Written as it is, never guessed a formula or an error from its first
    # character: this is text. clean_text already removed what the format
    # forbids, and cut it to size.
    text = clean_text(str(value)) if value not in (None, "") else ""
    style = _style(
        ws,
        WRAP if wrap else TOP,
        fill=fill,
        font=font,
        quote_prefix=text.startswith(FORMULA_STARTS),
    )
    return _text_xml(style, text)


def value_cell(
    ws, value: object, *, fill: PatternFill | None = None, number_format: str = ""
) -> SheetCell:
    """A date, number or empty cell (values the app computed, not typed text).

    Dates show as DATE_FORMAT unless ``number_format`` says otherwise.
    """
    if value is None:
        # An empty cell has no number format of its own.
        return SheetCell(f'{_style(ws, TOP, fill=fill)} t="n"></c>')
    if isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                raise TypeError("A cell holds no time zone: make the datetime naive first.")
            number_format = number_format or DATETIME_FORMAT
        else:
            number_format = number_format or DATE_FORMAT
        number = to_excel(value, ws.parent.epoch)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = value
    else:
        raise TypeError(f"value_cell takes dates and numbers, not {type(value).__name__}")
    style = _style(ws, TOP, fill=fill, number_format=number_format)
    # openpyxl's number text (safe_string): a float's 16 digits, no value for
    # NaN or infinity. (A Decimal formatted as itself would keep its zeros.)
    number = float(number)
    shown = "" if isnan(number) or isinf(number) else f"{number:.16g}"
    return SheetCell(f'{style} t="n"><v>{shown}</v></c>')


def header_cell(ws, text: str) -> SheetCell:
    return text_cell(ws, text, fill=HEADER_FILL, font=BOLD)
