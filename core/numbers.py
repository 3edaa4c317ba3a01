"""Numbers as people write them: whole numbers as browsers, forms and spreadsheets
send them, and decimals as the active language writes them."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import formats, numberformat

# Ids and versions are at most this long: 18 digits stay below the largest
# integer the databases store (2**63 - 1).
MAX_DIGITS = 18


def whole_number(text: str | None) -> int | None:
    """``text`` as a whole number written in ASCII digits, or None if it is not one.

    ``str.isdigit`` alone accepts "²" or "٣", which ``int`` then refuses or reads
    as another number.
    """
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def number_separators() -> dict:
    """The active language's decimal and thousands separators, for ``format_number``
    (a caller formatting many numbers looks them up once)."""
    return {
        "decimal_sep": formats.get_format("DECIMAL_SEPARATOR"),
        "grouping": formats.get_format("NUMBER_GROUPING"),
        "thousand_sep": formats.get_format("THOUSAND_SEPARATOR"),
    }


def format_number(value: Decimal | int | None, none: str = "", *, separators=None) -> str:
    """A number as the active language writes it: thousands grouped, no padding
    decimals ("15 000", "2,5", "30" in Bulgarian; "15,000", "2.5" in English).

    Grouped here rather than by USE_THOUSAND_SEPARATOR, which would also group
    every id, version and coordinate a template writes ("1 234" in a URL or an SVG).
    """
    if value is None:
        return none
    if isinstance(value, Decimal):
        # number_format writes a Decimal with "{:f}": 1E+1 (10 normalized) as "10".
        value = value.normalize()
    return numberformat.format(value, force_grouping=True, **(separators or number_separators()))


def parse_decimal_text(text: str) -> str:
    """``text`` without the separators people group thousands with, for Django's
    localized DecimalField to read: "15 000,50" -> "15000,50" (any space), and in
    English "15,000.50" -> "15000.50", but only where the commas group thousands:
    "2,5" stays as typed, so that the field refuses it rather than read 25."""
    text = "".join(char for char in text if not char.isspace())
    separator = formats.get_format("THOUSAND_SEPARATOR")
    if separator and not separator.isspace() and separator in text:
        group, point = re.escape(separator), re.escape(formats.get_format("DECIMAL_SEPARATOR"))
        if re.fullmatch(rf"[-+]?[0-9]{{1,3}}({group}[0-9]{{3}})+({point}[0-9]*)?", text):
            text = text.replace(separator, "")
    return text
