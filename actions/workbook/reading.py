"""Turning the values of Action Table cells back into field values.

Each parser takes what openpyxl read from a cell and returns the value for
the service, or raises CellError with a message for the user.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core import numbers

from .labels import normalise


class CellError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return str(value)


def whole_number(value: object) -> int:
    if isinstance(value, bool):
        raise CellError(_("not a whole number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    # A percentage sign may follow (progress), with spaces around either.
    if isinstance(value, str):
        number = numbers.whole_number(value.strip().removesuffix("%").strip())
        if number is not None:
            return number
    raise CellError(_("not a whole number"))


def decimal(value: object) -> Decimal | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("not a number"))
    if isinstance(value, (int, float, Decimal)):
        # Through str, so that 0.1 stays 0.1 and not its binary approximation.
        return Decimal(str(value))
    cleaned = re.sub(r"[\s\u00a0]", "", str(value)).replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("not a number")) from None
    if not number.is_finite():
        raise CellError(_("not a number"))
    return number


_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y")


def date(value: object) -> datetime.date | None:
    if blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        for date_format in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(value.strip(), date_format).date()
            except ValueError:
                continue
    raise CellError(_("not a date"))


def choice_lookup(choices) -> dict[str, str]:
    """Every spelling of each choice the import accepts: its code and its labels."""
    lookup: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                lookup[normalise(label)] = value
    for value, _label in choices:
        lookup[normalise(value)] = value
    return lookup


def choice(value: object, lookup: dict[str, str], what: str) -> str:
    found = lookup.get(normalise(text(value)))
    if found is None:
        raise CellError(_("not a known %(what)s: “%(value)s”") % {"what": what, "value": value})
    return found


def names(value: object) -> list[str]:
    """Key partners: one per line or separated by semicolons (names may hold commas)."""
    return [part.strip() for part in re.split(r"[;\n]", text(value)) if part.strip()]
