"""How far an import's preview has got: what a background job's progress bar shows.

A job (``actions.import_tasks``) listens around ``preview_import``; the reader tells
it how many rows it read and each row it has checked. Outside a job nobody listens,
and telling costs a look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class _Listener:
    on_read: Callable[[int], None]
    on_checked: Callable[[int], None]
    checked: int = 0


_listener: ContextVar[_Listener | None] = ContextVar("import_progress", default=None)


@contextmanager
def listening(*, on_read: Callable[[int], None], on_checked: Callable[[int], None]) -> Iterator:
    """Within the block, ``on_read(rows)`` once the sheet is read and ``on_checked(rows
    so far)`` after each row the preview checked."""
    token = _listener.set(_Listener(on_read, on_checked))
    try:
        yield
    finally:
        _listener.reset(token)


def rows_read(count: int) -> None:
    listener = _listener.get()
    if listener is not None:
        listener.checked = 0
        listener.on_read(count)


def row_checked() -> None:
    listener = _listener.get()
    if listener is not None:
        listener.checked += 1
        listener.on_checked(listener.checked)
