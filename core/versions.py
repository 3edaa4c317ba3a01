"""Lost updates: every row a person edits carries a ``version``.

A form carries the version the user opened; the save compares it with the
row's, locked, and bumps it in the same transaction (compare-and-swap), so
that a save from a page opened before somebody else's is refused instead of
silently putting their changes back. ``Action`` has its own services for it
(``actions.services``); this is the same pattern for the other models, used by
the admin (``core.admin_versions``) and the meeting close.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import F, Model
from django.utils.translation import gettext_lazy as _

from core.numbers import whole_number

STALE_SAVE_MESSAGE = _(
    "Somebody else saved this %(name)s since you opened it. Nothing was saved: "
    "open it again to see their changes, then make yours."
)


def stale_save_error(model: type[Model]) -> ValidationError:
    """The refusal of a save over a newer one, as every page shows it."""
    return ValidationError(
        STALE_SAVE_MESSAGE, code="conflict", params={"name": model._meta.verbose_name}
    )


def as_version(text) -> int | None:
    """The version a form sent back, or None when it sent none or no whole number."""
    return whole_number(None if text is None else str(text))


def version_lock(model: type[Model], pk) -> int | None:
    """The row's version now, the row locked until the transaction ends (if there is one)."""
    # No ordering: a Meta.ordering through a nullable relation (an attendance's
    # person) joins it, and PostgreSQL locks no nullable side of an outer join.
    rows = model._default_manager.filter(pk=pk).order_by()
    if not transaction.get_autocommit(router.db_for_write(model)):
        # Locked as a model query: ``of`` names no table in a values() query.
        rows = rows.select_for_update(of=("self",))
    row = next(iter(rows.only("pk", "version")), None)
    return None if row is None else row.version


def version_claim(obj: Model, expected: int | None) -> None:
    """Bump ``obj``'s version from ``expected``, or refuse if the row moved on.

    A compare-and-swap in the database, as the save's first write: whatever
    the database's locks, two saves from the same version cannot both pass.
    """
    model = type(obj)
    claimed = expected is not None and (
        model._default_manager.filter(pk=obj.pk, version=expected).update(version=expected + 1)
    )
    if not claimed:
        raise stale_save_error(model)
    obj.version = expected + 1


def version_bump(model: type[Model], pks: Iterable) -> None:
    """Move the version of rows on: a page opened at the old one is then stale."""
    pks = {pk for pk in pks if pk is not None}
    if pks:
        model._default_manager.filter(pk__in=pks).update(version=F("version") + 1)
