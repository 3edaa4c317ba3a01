"""Changing a row's indicators, as one change of the row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason

from ..models import Action, Indicator
from .common import (
    ActionConflict,
    _check_can_update_indicators,
    _claim,
    _record_history,
    set_history_author,
    user_or_none,
)


def save_indicator(indicator: Indicator, *, by, errors: list[str]) -> bool:
    """Validate and save ``indicator`` with its history's author, inside the caller's
    transaction; if it is invalid, add its messages to ``errors`` and save nothing."""
    try:
        indicator.full_clean(exclude=["action"])
    except ValidationError as exc:
        errors.extend(exc.messages)
        return False
    set_history_author(indicator, by=by)
    indicator.save()
    return True


def action_indicators_update(
    *,
    action: Action,
    indicators: list[Mapping[str, Any]],
    by,
    expected_version: int,
    reason: str | None = None,
) -> Action:
    """Replace the indicators of a row with ``indicators`` and bump its version.

    Each item holds Indicator fields, with ``id`` for an existing indicator
    and ``delete`` True to remove it. Indicators decide whether a row is
    measurable, so changing them is a change of the row. An item without
    ``position`` takes its place in ``indicators``. A partner of the action
    changes the current values only (``core.permissions.can_update_indicators``).
    ``reason``: what the row's history says (by default, that its indicators changed).
    """

    _check_can_update_indicators(by, action)
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
            if delete or indicator is None:
                _check_can_update_indicators(by, action, adds_or_removes=True)
            if delete:
                if indicator is not None:
                    set_history_author(indicator, by=by)
                    indicator.delete()
                    changed = True
                continue
            if indicator is None:
                indicator = Indicator(action=current)
            values.setdefault("position", position)
            changing = {k for k, v in values.items() if getattr(indicator, k) != v}
            if indicator.pk and not changing:
                continue
            _check_can_update_indicators(by, action, fields=changing)
            for name, value in values.items():
                setattr(indicator, name, value)
            if save_indicator(indicator, by=by, errors=errors):
                changed = True
        if errors:
            raise ValidationError(errors)
        if changed:
            Action.objects.filter(pk=current.pk).update(version=expected_version + 1)
            current.version = expected_version + 1
            current.changed_by = user
            current.save_without_historical_record(update_fields=["changed_by", "changed_at"])
            _record_history(
                current,
                by=by,
                reason=reason or history_reason(HistoryReason.INDICATORS_CHANGED),
            )
    return current
