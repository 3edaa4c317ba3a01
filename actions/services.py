"""Every write to the Action Table goes through here: the browser, the admin,
the importer and the meeting cockpit call these functions, so permissions,
validation, history and the lost-update check live in one place."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from core import permissions
from stakeholders.models import Organisation

from .models import Action, Challenge, Roadmap, action_history

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
    delete writes (the reason cut to what history keeps)."""
    obj._history_user = user_or_none(by)
    obj._change_reason = reason[:REASON_LENGTH] if reason else None


def _check_can_edit(by, roadmap: Roadmap) -> None:
    if by is SYSTEM:
        return
    if not permissions.can_edit_roadmap(by, roadmap):
        raise PermissionDenied(_("You may not change the Action Table of this roadmap."))


def _field_value(action: Action, name: str):
    if name == "key_partners":
        if not action.pk:
            return frozenset()
        # Use key partners prefetched by the caller (the importer compares
        # thousands of rows; a query per row would be its main cost).
        if "key_partners" in getattr(action, "_prefetched_objects_cache", {}):
            return frozenset(partner.pk for partner in action.key_partners.all())
        return frozenset(action.key_partners.values_list("pk", flat=True))
    field = Action._meta.get_field(name)
    return getattr(action, field.attname)


def _data_value(name: str, value):
    if name == "key_partners":
        return frozenset(getattr(org, "pk", org) for org in (value or ()))
    if name in ("challenge", "lead_partner"):
        return getattr(value, "pk", value)
    return value


def action_changes(*, action: Action, data: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Return {field: (old, new)} for the fields of ``data`` that differ from ``action``.

    Foreign keys compare by id and key partners as a set of ids, so that a
    value read back from a spreadsheet equals the stored one.
    """
    changes = {}
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable field of an action")
        old = _field_value(action, name)
        new = _data_value(name, value)
        if name in ("title", "description", "expected_results", "resources", "in_kind"):
            new = new or ""
        if old != new:
            changes[name] = (old, new)
    return changes


def _apply(action: Action, data: Mapping[str, Any]) -> set[int] | None:
    """Set the plain fields on ``action``; return the key partner ids to set, if given."""
    key_partner_ids = None
    for name, value in data.items():
        if name == "key_partners":
            key_partner_ids = set(_data_value(name, value))
        elif name in ("challenge", "lead_partner"):
            setattr(action, f"{name}_id", _data_value(name, value))
        elif name in ("title", "description", "expected_results", "resources", "in_kind"):
            setattr(action, name, value or "")
        else:
            setattr(action, name, value)
    return key_partner_ids


def partner_errors(*, lead_partner, key_partners) -> dict[str, list[str]]:
    """The one rule of who partners a row: its lead partner is not also a key partner.

    Takes organisations or their ids (None for a field not given); returns the
    errors by field, for the form, the admin, the importer and the services to place.
    """
    lead_partner_id = getattr(lead_partner, "pk", lead_partner)
    key_partner_ids = {getattr(partner, "pk", partner) for partner in key_partners or ()}
    if lead_partner_id and lead_partner_id in key_partner_ids:
        return {"key_partners": [_("The lead partner cannot also be a key partner.")]}
    return {}


def _validate(action: Action, key_partner_ids: set[int] | None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        # The check constraints are the database's: a row that breaks one is
        # refused by its save, with the constraint's message (_constraints_as_errors).
        action.full_clean(exclude=["roadmap"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (
        action.challenge_id is not None
        and not Challenge.objects.filter(
            pk=action.challenge_id, roadmap_id=action.roadmap_id
        ).exists()
    ):
        errors.setdefault("challenge", []).append(_("This challenge belongs to another roadmap."))
    if key_partner_ids is None:
        key_partner_ids = set(_field_value(action, "key_partners"))
    for name, messages in partner_errors(
        lead_partner=action.lead_partner_id, key_partners=key_partner_ids
    ).items():
        errors.setdefault(name, []).extend(messages)
    for name, messages in _eligibility_errors(action, key_partner_ids).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@contextmanager
def _constraints_as_errors() -> Iterator[None]:
    """Turn the database's refusal of a row that breaks a named constraint into a
    ValidationError with the constraint's message, as full_clean would give it.

    Wrap it around a ``transaction.atomic`` block, so that the block (or its
    savepoint, inside the importer's transaction) is rolled back first.
    """
    try:
        yield
    except IntegrityError as error:
        constraint = Action.violated_constraint(error)
        if constraint is None or constraint.violation_error_message is None:
            raise
        raise ValidationError(
            {NON_FIELD_ERRORS: [constraint.get_violation_error_message()]}
        ) from error


def _eligibility_errors(action: Action, key_partner_ids: set[int]) -> dict[str, list[str]]:
    """Refuse partners that ``Roadmap.eligible_partners`` does not offer (one query,
    and one more to tell an unknown organisation from an ineligible one)."""
    wanted = set(key_partner_ids)
    if action.lead_partner_id:
        wanted.add(action.lead_partner_id)
    if not wanted:
        return {}
    missing = wanted - set(
        action.roadmap.eligible_partners().filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if not missing:
        return {}
    existing = set(Organisation.objects.filter(pk__in=missing).values_list("pk", flat=True))
    ineligible = _(
        "Only organisations of the roadmap's city or of its working group may take part."
    )
    errors: dict[str, list[str]] = {}
    # A lead partner that does not exist is refused by full_clean already.
    if action.lead_partner_id in missing & existing:
        errors["lead_partner"] = [ineligible]
    if key_partner_ids & (missing - existing):
        errors.setdefault("key_partners", []).append(_("Unknown organisation."))
    if key_partner_ids & missing & existing:
        errors.setdefault("key_partners", []).append(ineligible)
    return errors


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


def _record_history(action: Action, *, by, reason: str) -> None:
    set_history_author(action, by=by, reason=reason)
    action_history.create_historical_record(action, "~")


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
                _record_history(current, by=by, reason=_("moved to another challenge"))
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
            _record_history(moved, by=by, reason=_("moved in the table"))
    return current


def action_indicators_update(
    *, action: Action, indicators: list[Mapping[str, Any]], by, expected_version: int
) -> Action:
    """Replace the indicators of a row with ``indicators`` and bump its version.

    Each item holds Indicator fields, with ``id`` for an existing indicator
    and ``delete`` True to remove it. Indicators decide whether a row is
    measurable, so changing them is a change of the row.
    """
    from .models import Indicator

    _check_can_edit(by, action.roadmap)
    user = user_or_none(by)
    with transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        if current.version != expected_version:
            raise ActionConflict(current=current, attempted={})
        _claim(current, expected_version, attempted={})
        existing = {ind.pk: ind for ind in current.indicators.all()}
        changed = False
        errors = []
        for position, values in enumerate(indicators):
            values = dict(values)
            pk = values.pop("id", None)
            delete = values.pop("delete", False)
            indicator = existing.get(pk) if pk else None
            if pk and indicator is None:
                errors.append(_("Unknown indicator."))
                continue
            if delete:
                if indicator is not None:
                    set_history_author(indicator, by=by)
                    indicator.delete()
                    changed = True
                continue
            if indicator is None:
                indicator = Indicator(action=current)
            values["position"] = position
            if indicator.pk and all(getattr(indicator, k) == v for k, v in values.items()):
                continue
            for name, value in values.items():
                setattr(indicator, name, value)
            try:
                indicator.full_clean(exclude=["action"])
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            set_history_author(indicator, by=by)
            indicator.save()
            changed = True
        if errors:
            raise ValidationError(errors)
        if changed:
            Action.objects.filter(pk=current.pk).update(version=expected_version + 1)
            current.version = expected_version + 1
            current.changed_by = user
            current.save_without_historical_record(update_fields=["changed_by", "changed_at"])
            _record_history(current, by=by, reason=_("indicators changed"))
    return current
