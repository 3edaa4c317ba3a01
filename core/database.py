"""What the database says when it is busy, in one place.

SQLite lets one writer at a time: another waits up to the ``timeout`` option
(settings.py) and then fails with OperationalError "database is locked".
PostgreSQL fails the same way only when a ``lock_timeout`` is set (55P03).
Either means "try again shortly", never a server error.
"""

from __future__ import annotations

from django.db import OperationalError

BUSY_MESSAGES = ("database is locked", "database table is locked")
LOCK_NOT_AVAILABLE = "55P03"


def is_database_busy(error: BaseException | None) -> bool:
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE:
        return True
    return any(message in str(error) for message in BUSY_MESSAGES)
