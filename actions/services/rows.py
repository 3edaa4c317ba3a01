"""Writing the Action Table's rows: add, change, remove and move, each refusing a
lost update and keeping history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason

from ..models import Action, Challenge, Roadmap, action_history
from .common import (
    ActionConflict,
    _check_can_edit,
    _claim,
    _record_history,
    set_history_author,
    user_or_none,
)
from .rules import _apply, _constraints_as_errors, _validate, action_changes


def _save_with_history(
    action: Action, key_partner_ids: set[int] | None, *, by, created: bool, reason: str
):
    action.changed_by = user_or_none(by)
    action.skip_history_when_saving = True
    try:
        action.save()
        if key_partner_ids is not None:
            action.key_partners.set(key_partner_ids)
    finally:
        del action.skip_history_when_saving
    set_history_author(action, by=by, reason=reason)
    action_history.create_historical_record(action, "+" if created else "~")


def action_create(*, roadmap: Roadmap, data: Mapping[str, Any], by, reason: str = "") -> Action:
    """Add a row to the roadmap's Action Table, at the end."""
    _check_can_edit(by, roadmap)
    with _constraints_as_errors(), transaction.atomic():
        # Lock the roadmap so that two rows added at once get different positions.
        Roadmap.objects.select_for_update().filter(pk=roadmap.pk).first()
        last = roadmap.actions.aggregate(last=Max("position"))["last"]
        action = Action(roadmap=roadmap, position=0 if last is None else last + 1)
        key_partner_ids = _apply(action, data)
        _validate(action, key_partner_ids)
        action.created_by = user_or_none(by)
        _save_with_history(action, key_partner_ids, by=by, created=True, reason=reason)
    return action


def action_update(
    *,
    action: Action,
    data: Mapping[str, Any],
    by,
    expected_version: int,
    reason: str = "",
) -> Action:
    """Change a row, refusing the change if the row moved on since ``expected_version``.

    Returns the saved row; a change that changes nothing saves nothing and
    keeps the version.
    """
    _check_can_edit(by, action.roadmap)
    with _constraints_as_errors(), transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        # A row stays in its roadmap: the caller's copy of it saves a query.
        current.roadmap = action.roadmap
        if current.version != expected_version:
            raise ActionConflict(current=current, attempted=data)
        if not action_changes(action=current, data=data):
            return current
        key_partner_ids = _apply(current, data)
        _validate(current, key_partner_ids)
        # Compare-and-swap: the database refuses the version bump if another
        # transaction got there first (SQLite has no row locks).
        bumped = Action.objects.filter(pk=current.pk, version=expected_version).update(
            version=expected_version + 1
        )
        if not bumped:
            raise ActionConflict(current=Action.objects.get(pk=current.pk), attempted=data)
        current.version = expected_version + 1
        _save_with_history(current, key_partner_ids, by=by, created=False, reason=reason)
    return current


def action_delete(*, action: Action, by, expected_version: int, reason: str = "") -> None:
    """Remove a row; its history keeps what it was and who removed it."""
    _check_can_edit(by, action.roadmap)
    with transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        if current.version != expected_version:
            raise ActionConflict(current=current, attempted={})
        _claim(current, expected_version, attempted={})
        set_history_author(current, by=by, reason=reason)
        current.delete()


def action_move(
    *, action: Action, by, direction: str | None = None, challenge: Challenge | None = None
) -> Action:
    """Move a row up or down within its challenge, or into another challenge.

    The order is not part of what an editor edits in a row, so a move up or down
    neither needs nor bumps the row's version: it cannot overwrite anybody's
    values. The challenge is (the row form edits it), so a move into another
    challenge bumps the version: a form opened before the move is then refused
    instead of putting the row back into its old challenge unseen.
    """
    _check_can_edit(by, action.roadmap)
    with transaction.atomic():
        Roadmap.objects.select_for_update().filter(pk=action.roadmap_id).first()
        current = Action.objects.select_for_update().get(pk=action.pk)
        if challenge is not None:
            if challenge.roadmap_id != current.roadmap_id:
                raise ValidationError(
                    {"challenge": _("This challenge belongs to another roadmap.")}
                )
            if challenge.pk != current.challenge_id:
                current.challenge = challenge
                current.changed_by = user_or_none(by)
                current.version = F("version") + 1
                current.save_without_historical_record(
                    update_fields=["challenge", "changed_by", "changed_at", "version"]
                )
                current.refresh_from_db(fields=["version"])
                _record_history(
                    current, by=by, reason=history_reason(HistoryReason.MOVED_TO_CHALLENGE)
                )
            return current
        if direction not in ("up", "down"):
            raise ValidationError(_("Say which way to move the action."))
        siblings = Action.objects.filter(
            roadmap_id=current.roadmap_id, challenge_id=current.challenge_id
        )
        if direction == "up":
            neighbour = siblings.filter(position__lt=current.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=current.position).order_by("position").first()
        if neighbour is None:
            return current
        # Swap through a free position: (roadmap, position) is unique at every step.
        free = current.roadmap.actions.aggregate(last=Max("position"))["last"] + 1
        mine, theirs = current.position, neighbour.position
        Action.objects.filter(pk=current.pk).update(position=free)
        Action.objects.filter(pk=neighbour.pk).update(position=mine)
        Action.objects.filter(pk=current.pk).update(position=theirs)
        current.position, neighbour.position = theirs, mine
        for moved in (current, neighbour):
            _record_history(moved, by=by, reason=history_reason(HistoryReason.MOVED))
    return current
