"""SQLite's LIKE, folding case in every script as PostgreSQL's UPPER() does.

Django's ``icontains``, ``iexact``, ``istartswith`` (every search of the pages and
the admin's search box) are a LIKE on SQLite, and SQLite's own LIKE folds ASCII
letters only: "зелен" did not find "Зелен". SQLite lets an application replace
the LIKE operator with a function of its own (``like(pattern, text[, escape])``,
https://sqlite.org/lang_corefunc.html#like); this one compares the texts
casefolded. Nothing changes in the queries, so every search, present and future,
folds case the same on both databases. (On PostgreSQL Django compares
``UPPER(...)``, which folds every script under a UTF-8 collation such as C.UTF-8
or bg_BG.UTF-8, not under plain "C".)

SQLite's LIKE never matched case-sensitively either (Django's ``contains`` is a
LIKE too), so this only widens the folding beyond ASCII.
"""

from __future__ import annotations

import functools
import re

from django.db.backends.signals import connection_created
from django.dispatch import receiver


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts = []
    chars = iter(pattern.casefold())
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def like(pattern: str | None, text: str | None, escape: str | None = None) -> bool | None:
    """SQL's ``text LIKE pattern [ESCAPE escape]``, case folded in every script."""
    if pattern is None or text is None:
        return None
    return _pattern(str(pattern), escape).fullmatch(str(text).casefold()) is not None


@receiver(connection_created)
def _replace_like(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, like, deterministic=True)
        connection.connection.create_function("like", 3, like, deterministic=True)
