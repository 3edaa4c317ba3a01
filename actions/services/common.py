"""What every write of the Action Table shares: the editable fields, the conflict,
the system actor, who may write and how history names its author."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core import permissions

from ..models import Action, Roadmap, action_history

# The fields of an Action Table row that users edit.
EDITABLE_FIELDS = (
    "challenge",
    "activity_type",
    "title",
    "description",
    "expected_results",
    "resources",
    "budget",
    "currency",
    "people_days",
    "in_kind",
    "lead_partner",
    "key_partners",
    "start_date",
    "deadline",
    "status",
    "progress",
)


class ActionConflict(Exception):
    """The row was saved by somebody else since the editor opened it."""

    def __init__(self, *, current: Action, attempted: Mapping[str, Any]):
        self.current = current
        self.attempted = dict(attempted)
        super().__init__(
            _("Somebody else saved this action (now version %(version)s) since you opened it.")
            % {"version": current.version}
        )


class _System:
    """The actor for trusted code that an operator runs from the shell (the
    demo loader, management commands without a user): it may write any
    roadmap, and history records it as no user. Views never pass it."""

    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def user_or_none(by):
    """The user to record as the author of a change: None for SYSTEM or anonymous."""
    return by if getattr(by, "is_authenticated", False) else None


# simple-history keeps a change's reason in a column of 100 characters.
REASON_LENGTH = 100


def set_history_author(obj, *, by, reason: str = "") -> None:
    """Say who changes ``obj`` and why, for the history record its next save or
    delete writes (the reason cut to what history keeps).

    ``reason`` is a code (``core.history_reasons.history_reason``), which every page
    writes in its reader's language, or words of a person's or a script's own."""
    obj._history_user = user_or_none(by)
    obj._change_reason = reason[:REASON_LENGTH] if reason else None


def _check_can_edit(by, roadmap: Roadmap) -> None:
    if by is SYSTEM:
        return
    if not permissions.can_edit_roadmap(by, roadmap):
        raise PermissionDenied(_("You may not change the Action Table of this roadmap."))


def _check_can_update(by, action: Action, fields) -> None:
    """Refuse a change of ``fields`` of ``action`` that ``by`` may not make (a
    partner changes only what ``permissions.PARTNER_ACTION_FIELDS`` names)."""
    if by is SYSTEM:
        return
    if not permissions.can_update_action(by, action, fields):
        raise PermissionDenied(_("You may not make this change to this action."))


def _check_can_update_indicators(by, action: Action, *, fields=(), adds_or_removes=False) -> None:
    if by is SYSTEM:
        return
    if not permissions.can_update_indicators(
        by, action, fields=fields, adds_or_removes=adds_or_removes
    ):
        raise PermissionDenied(_("You may not make this change to this action's indicators."))


def _claim(current: Action, expected_version: int, attempted: Mapping[str, Any]) -> None:
    """Compare-and-set on the version, as the transaction's first write.

    The row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite, see
    settings) already keep other saves out between our read and our write;
    this update is the check that does not depend on either: it matches no
    row when the version moved on, whatever the database or its settings.
    """
    claimed = Action.objects.filter(pk=current.pk, version=expected_version).update(
        version=expected_version
    )
    if not claimed:
        raise ActionConflict(current=Action.objects.get(pk=current.pk), attempted=attempted)


def _record_history(action: Action, *, by, reason: str) -> None:
    set_history_author(action, by=by, reason=reason)
    action_history.create_historical_record(action, "~")
