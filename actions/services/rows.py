"""Writing the Action Table's rows: add, change, remove and move, each refusing a
lost update and keeping history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Subquery
from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason
from stakeholders.models import Organisation

from ..models import Action, Challenge, Indicator, Roadmap, action_history
from .common import (
    ActionConflict,
    _check_can_edit,
    _check_can_update,
    _claim,
    _record_history,
    set_history_author,
    user_or_none,
)
from .indicators import save_indicator
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


def action_create(
    *,
    roadmap: Roadmap,
    data: Mapping[str, Any],
    by,
    reason: str = "",
    indicators: Sequence[Mapping[str, Any]] = (),
) -> Action:
    """Add a row to the roadmap's Action Table, at the end, with its ``indicators``
    (Indicator fields each), so that a new row can be measurable at once."""
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
        _create_indicators(action, indicators, by=by)
    return action


def _create_indicators(action: Action, indicators: Sequence[Mapping[str, Any]], *, by) -> None:
    errors = []
    for position, values in enumerate(indicators):
        values = {name: value for name, value in values.items() if name not in ("action", "id")}
        save_indicator(Indicator(action=action, position=position, **values), by=by, errors=errors)
    if errors:
        # Raised inside the transaction: the row is not added without them.
        raise ValidationError({"indicators": errors})


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
    keeps the version. A partner of the action changes its status and progress
    only (``core.permissions.can_update_action``).
    """
    _check_can_update(by, action, data.keys())
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


def removed_actions(roadmap: Roadmap):
    """The rows removed from ``roadmap``'s table and not restored: the last history
    record of each, newest removal first (one query)."""
    live = Action.objects.filter(pk=OuterRef("id"))
    last = Action.history.filter(id=OuterRef("id")).order_by("-history_date", "-history_id")
    return (
        Action.history.filter(roadmap_id=roadmap.pk, history_type="-")
        .annotate(last_id=Subquery(last.values("history_id")[:1]))
        .filter(history_id=F("last_id"))
        .exclude(Exists(live))
        .select_related("history_user")
        .order_by("-history_date")
    )


def action_restore(*, roadmap: Roadmap, action_id: int, by, reason: str = "") -> Action:
    """Put a removed row back into ``roadmap``'s table, at the end of its challenge's
    rows, as a new version of the same action: same id, so its history goes on.

    Its values are those it had when removed; its key partners and indicators those
    removed with it. A challenge or an organisation deleted since is left empty.
    """
    _check_can_edit(by, roadmap)
    with _constraints_as_errors(), transaction.atomic():
        Roadmap.objects.select_for_update().filter(pk=roadmap.pk).first()
        removal = removed_actions(roadmap).filter(id=action_id).first()
        if removal is None:
            raise ValidationError(_("This action is not among the removed actions."))
        before = removal.prev_record
        action = removal.instance
        if action.challenge_id and not roadmap.challenges.filter(pk=action.challenge_id).exists():
            action.challenge_id = None
        if (
            action.lead_partner_id
            and not Organisation.objects.filter(pk=action.lead_partner_id).exists()
        ):
            action.lead_partner_id = None
        last = roadmap.actions.aggregate(last=Max("position"))["last"]
        action.position = 0 if last is None else last + 1
        action.version = removal.version + 1
        key_partner_ids = set()
        if before is not None:
            key_partner_ids = set(
                Organisation.objects.filter(
                    pk__in=before.key_partners.values("organisation")
                ).values_list("pk", flat=True)
            )
        action.changed_by = user_or_none(by)
        action._state.adding = True
        _save_with_history(
            action,
            key_partner_ids,
            by=by,
            created=True,
            reason=reason or history_reason(HistoryReason.RESTORED),
        )
        # Added again, but not new: it keeps the day it was first created.
        Action.objects.filter(pk=action.pk).update(created_at=removal.created_at)
        action.created_at = removal.created_at
        _restore_indicators(action, removal, before, by=by)
    return action


def _restore_indicators(action: Action, removal, before, *, by) -> None:
    """Bring back the indicators removed with the row: those whose last record is a
    removal later than the row's last change. One removed on its own earlier (the
    indicators page) came before that change, which it bumped, and stays removed."""
    since = before.history_date if before is not None else None
    removed = Indicator.history.filter(action_id=action.pk, history_type="-")
    if since is not None:
        removed = removed.filter(history_date__gte=since)
    removed = removed.filter(history_date__lte=removal.history_date)
    for record in removed.order_by("position", "id"):
        if Indicator.objects.filter(pk=record.id).exists():
            continue
        last = Indicator.history.filter(id=record.id).order_by("-history_date").first()
        if last.history_id != record.history_id:
            continue
        indicator = record.instance
        indicator._state.adding = True
        set_history_author(indicator, by=by)
        indicator.save()
