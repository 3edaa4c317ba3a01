"""Text as a file can hold it: the one rule the workbook, the minutes and the
calendars apply to whatever users typed.

XML 1.0 (inside .xlsx and .docx) cannot hold the C0 control characters but tab,
line feed and carriage return, nor lone surrogates, U+FFFE and U+FFFF: openpyxl
refuses them (``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``) and python-docx's
lxml raises. iCalendar forbids the same controls in a text value. Anything a
form or the admin let through (a pasted bell character, a NUL) is therefore
removed on the way out, not refused when the file is asked for.
"""

from __future__ import annotations

import re

NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def file_text(value: object) -> str:
    """``value`` as text without the characters a file cannot hold; new lines kept."""
    if value is None:
        return ""
    return NOT_IN_XML.sub("", str(value))


def one_line(value: object) -> str:
    """``file_text``, with its line breaks (and the spaces around them) as one space:
    for what a file shows on one line (an event's summary, a calendar's name)."""
    return _LINE_BREAKS.sub(" ", file_text(value)).strip()
