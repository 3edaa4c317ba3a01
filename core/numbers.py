"""Whole numbers as browsers, forms and spreadsheets write them."""

from __future__ import annotations

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
