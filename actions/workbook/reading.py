"""Turning the values of Action Table cells back into field values.

Each parser takes what python-calamine read from a cell (the value the cell
shows: a string, a number, a date, a formula's cached result) and returns the
value for the service, or raises CellError with a message for the user that
says what would be accepted.
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


def quoted(text: object) -> str:
    """``text`` in the quotes of the active language („…“ in Bulgarian)."""
    return _("“%(text)s”") % {"text": text}


def one_of(values) -> str:
    """ "use one of: a, b, c", for a cell error."""
    return _("use one of: %(values)s") % {"values": ", ".join(str(value) for value in values)}


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def line_breaks(value: str) -> str:
    """CR LF (Windows, browsers) and a lone CR (old Mac, some re-saves) as LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return line_breaks(str(value))


def _not_whole() -> CellError:
    return CellError(_("not a whole number; write digits only, e.g. 12"))


def whole_number(value: object) -> int:
    if isinstance(value, bool):
        raise _not_whole()
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        number = numbers.whole_number(value.strip())
        if number is not None:
            return number
    raise _not_whole()


def is_share(value: object) -> bool:
    """Whether ``value`` can only be a percentage cell's share (0.85 for 85 %)."""
    return isinstance(value, float) and 0 < value < 1


def percent(value: object, *, shares: bool = False) -> int:
    """Progress: a whole number from 0 to 100, "85%", or a percentage cell (0.85).

    A percentage cell holds its share (85 % is 0.85): a fraction between 0 and 1
    is read as one. Its 100 % is 1, which the file cannot tell from a typed 1:
    it is 100 where the column holds shares (``shares``: percentage cells in
    it), else 1.
    """
    message = _("not a whole number from 0 to 100; write e.g. 85 or 85%")
    if isinstance(value, bool):
        raise CellError(message)
    if shares and isinstance(value, (int, float)) and value == 1:
        return 100
    if isinstance(value, float) and 0 < value < 1 and not value.is_integer():
        share = round(value * 100, 6)
        if share.is_integer():
            return int(share)
        raise CellError(message)
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    try:
        return whole_number(value)
    except CellError:
        raise CellError(message) from None


# Currency signs and codes a number may carry, before or after it.
CURRENCY_SIGNS = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "евро": "EUR",
    "лв": "BGN",
    "лв.": "BGN",
    "лев": "BGN",
    "лева": "BGN",
    "bgn": "BGN",
    "lv": "BGN",
    "lv.": "BGN",
    "huf": "HUF",
    "ft": "HUF",
    "ft.": "HUF",
}
_CURRENCY = "|".join(re.escape(sign) for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"^(?:(?P<before>{_CURRENCY})\s*)?(?P<number>-?[\d\s.,]*\d)(?:\s*(?P<after>{_CURRENCY}))?$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_GROUPS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def _number_formats() -> str:
    return _("write it as 1234.50, 1 234,50, 1,234.50 or 1.234,50, with € or лв. if you like")


def _digits(number: str) -> str | None:
    """``number`` with its thousands separators gone and a dot for the decimal one."""
    number = _SPACES.sub("", number)
    sign = "-" if number.startswith("-") else ""
    number = number.removeprefix("-")
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        decimal_mark = "." if number.rfind(".") > number.rfind(",") else ","
        whole, _mark, fraction = number.rpartition(decimal_mark)
        if not _GROUPS.match(whole) and not whole.isdigit():
            return None
        return sign + re.sub(r"[.,]", "", whole) + "." + fraction
    mark = "." if dots else "," if commas else ""
    if not mark:
        return sign + number
    if number.count(mark) > 1 or re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", number):
        # 40,000 or 1.234.567: thousands (a budget has no third decimal place).
        return sign + number.replace(mark, "") if _GROUPS.match(number) else None
    return sign + number.replace(mark, ".")


# A rate rather than an amount: "€15,000 / year", "500 лв. на месец", "1 200 EUR monthly".
_PER_PERIOD = re.compile(
    r"^(?P<amount>.*\d.*?)\s*(?:(?:/|per|a|на|за)\s*(?:year|yr|annum|month|година|год\.?"
    r"|месец|мес\.?)|annually|yearly|monthly|годишно|месечно)\.?$",
    re.IGNORECASE,
)


def amount(value: object) -> tuple[Decimal | None, str | None]:
    """A number as people write it, and the currency it names if any.

    Thousands with a space, a dot or a comma; the decimal mark a dot or a comma
    (the last mark when both are used; a single mark before exactly three
    digits is thousands: "40,000" is forty thousand); a currency sign or code
    before or after ("€15,000", "9 000 лв.", "1,234.50 EUR").
    """
    if blank(value):
        return None, None
    if isinstance(value, bool):
        raise CellError(_("not a number; %(formats)s") % {"formats": _number_formats()})
    if isinstance(value, (int, float, Decimal)):
        # Through str, so that 0.1 stays 0.1 and not its binary approximation.
        return Decimal(str(value)), None
    match = _AMOUNT.match(str(value).strip())
    digits = _digits(match["number"]) if match else None
    try:
        number = Decimal(digits) if digits else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        rate = _PER_PERIOD.match(str(value).strip())
        if rate and _AMOUNT.match(rate["amount"].strip()):
            raise CellError(
                _(
                    "an amount per year or month; the budget is the action's whole budget: %(formats)s"
                )
                % {"formats": _number_formats()}
            )
        raise CellError(_("not a number; %(formats)s") % {"formats": _number_formats()})
    sign = (match["before"] or match["after"] or "").lower()
    return number, CURRENCY_SIGNS.get(sign)


_WORDS = re.compile(r"€|[^\W\d_]+\.?")


def currency_named(text: str) -> str | None:
    """The currency a header names, as "Бюджет (лв.)" or "Cost (€)" do, if any."""
    for word in _WORDS.findall(text or ""):
        found = CURRENCY_SIGNS.get(word.lower()) or CURRENCY_SIGNS.get(word.lower().rstrip("."))
        if found:
            return found
    return None


def decimal(value: object) -> Decimal | None:
    return amount(value)[0]


_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y")
_YEAR_MARK = re.compile(r"\s*(г\.?|год\.?)$", re.IGNORECASE)


def date_formats() -> str:
    return _("write it as dd.mm.yyyy (31.12.2030), yyyy-mm-dd or dd/mm/yyyy")


def date(value: object) -> datetime.date | None:
    if blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        cleaned = _YEAR_MARK.sub("", value.strip())
        cleaned = re.sub(r"\s*([./-])\s*", r"\1", cleaned)
        for date_format in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(cleaned, date_format).date()
            except ValueError:
                continue
    raise CellError(_("not a date; %(formats)s") % {"formats": date_formats()})


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


def currency_lookup(choices) -> dict[str, str]:
    """A currency column's spellings: ``choice_lookup``'s, and the signs and words a
    number may carry ("лв.", "€", "евро"), as people write a currency in a sheet."""
    codes = {value for value, _label in choices}
    lookup = {normalise(sign): code for sign, code in CURRENCY_SIGNS.items() if code in codes}
    lookup.update(choice_lookup(choices))
    return lookup


def choice(value: object, lookup: dict[str, str], what: str, labels) -> str:
    found = lookup.get(normalise(text(value)))
    if found is None:
        raise CellError(
            _("not a known %(what)s: %(value)s; %(accepted)s")
            % {"what": what, "value": quoted(value), "accepted": one_of(labels)}
        )
    return found


def names(value: object) -> list[str]:
    """Key partners: one per line or separated by semicolons (names may hold commas)."""
    return [part.strip() for part in re.split(r"[;\n]", text(value)) if part.strip()]
