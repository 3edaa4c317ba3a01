"""Deadlines as people write them in a spreadsheet: a quarter, a month, a year, "the
end of 2022", or a range of them.

``period`` reads one ("Q2 2022": 01.04.2022 to 30.06.2022), ``interpret`` a cell:
a single period is a deadline at its end, a range ("Q3 2022 – Q4 2024",
"2022–2023") a start at the first one's beginning and a deadline at the second
one's end. A cell that is a full date is ``reading.date``'s, not this module's.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Bulgarian
    "януари": 1, "февруари": 2, "март": 3, "април": 4, "май": 5, "юни": 6, "юли": 7,
    "август": 8, "септември": 9, "октомври": 10, "ноември": 11, "декември": 12,
    "яну": 1, "фев": 2, "апр": 4, "авг": 8, "сеп": 9, "окт": 10, "ное": 11, "дек": 12,
}  # fmt: skip
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Words around a period that do not change it.
_FILLER = re.compile(
    r"\b(?:до края на|в края на|края на|до|by the end of|end of|by|until|in|през|м\.|месец)\s*|"
    r"(?<=\d)\s*(?:г\.|год\.|година|г)(?=\s|$)|\bг\.",
    re.IGNORECASE,
)
_QUARTER = re.compile(
    r"^(?:q\s*([1-4])|([1-4])\s*q|([1-4]|i{1,3}|iv)\s*(?:-?во|-?ро|-?то)?\s*(?:тримесечие|трим\.?|quarter))"
    r"[\s/.,-]*(\d{4})$"
)
_HALF = re.compile(
    r"^(?:h\s*([12])|([12])\s*h|([12])\s*(?:-во|-ро)?\s*(?:полугодие|half))[\s/.,-]*(\d{4})$"
)
_MONTH_NUMBER = re.compile(r"^(\d{1,2})\s*[./]\s*(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_MONTH_NAME = re.compile(r"^([^\W\d_]+)\.?[\s,]*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"\s*(?:–|—|−|\bto\b|\bдо\b|\s-\s)\s*|(?<=\d{4})-(?=\D*\d{4}$)")


@dataclass(frozen=True)
class Interpretation:
    text: str
    start: datetime.date | None
    deadline: datetime.date

    def shown(self) -> str:
        """ "Q2 2022 → 30.06.2022", "2022–2023 → 01.01.2022 – 31.12.2023"."""
        end = self.deadline.strftime("%d.%m.%Y")
        if self.start is None:
            return f"{self.text} → {end}"
        return f"{self.text} → {self.start.strftime('%d.%m.%Y')} – {end}"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _plausible(year: int) -> bool:
    return 1990 <= year <= 2100


def period(text: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of the period ``text`` names, or None."""
    cleaned = _FILLER.sub(" ", text.casefold()).strip(" .,")
    cleaned = re.sub(r"\s+", " ", cleaned)
    if match := _QUARTER.match(cleaned):
        number = next(group for group in match.groups()[:3] if group)
        quarter = _ROMAN.get(number) or int(number)
        year = int(match[4])
        first = datetime.date(year, quarter * 3 - 2, 1)
        return (first, _month_end(year, quarter * 3)) if _plausible(year) else None
    if match := _HALF.match(cleaned):
        half = int(next(group for group in match.groups()[:3] if group))
        year = int(match[4])
        first = datetime.date(year, half * 6 - 5, 1)
        return (first, _month_end(year, half * 6)) if _plausible(year) else None
    month = year = None
    if match := _MONTH_NUMBER.match(cleaned):
        month, year = int(match[1]), int(match[2])
    elif match := _YEAR_MONTH.match(cleaned):
        year, month = int(match[1]), int(match[2])
    elif (match := _MONTH_NAME.match(cleaned)) and match[1] in MONTHS:
        month, year = MONTHS[match[1]], int(match[2])
    elif match := _YEAR.match(cleaned):
        year = int(match[1])
        if not _plausible(year):
            return None
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if month is None or not 1 <= month <= 12 or not _plausible(year):
        return None
    return datetime.date(year, month, 1), _month_end(year, month)


def interpret(value: object) -> Interpretation | None:
    """What a deadline cell written as text means, or None if it is no period."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"\s+", " ", value.strip())
    single = period(text)
    if single is not None:
        return Interpretation(text, None, single[1])
    parts = [part for part in _RANGE.split(text) if part and part.strip()]
    if len(parts) == 2:
        first, last = period(parts[0]), period(parts[1])
        if (
            first is None
            and last is not None
            and re.fullmatch(r"\s*q?\s*[1-4]\s*", parts[0], re.IGNORECASE)
        ):
            # "Q3 – Q4 2024": the year of the second.
            first = period(f"{parts[0]} {last[1].year}")
        if first is not None and last is not None and first[0] <= last[1]:
            return Interpretation(text, first[0], last[1])
    return None
