"""Correcting and removing what was recorded of an action's resources: a pledge
removed, a delivery corrected or removed. Each write checks who may make it,
validates with the models' rules, keeps history (who, when, what it was), and
refuses a lost update (``core.versions``), as resources.py does for the rest.

A delivery is a line of its pledge's ledger: a correction changes that line (its
history keeps what it said before), never the pledge's other lines. A pledge
that deliveries were recorded against is not removed: its deliveries go first,
each one on purpose, so that nothing delivered disappears with a click.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.versions import version_claim, version_lock

from ..models import Action, Delivery, Pledge
from .common import _check_can_edit, set_history_author
from .resources import (
    DELIVERY_FIELDS,
    DeliveryRecorded,
    _check_version,
    _full_clean,
    _set,
    delivery_warnings,
    ledger_total,
)


def _roadmap_of(action_id: int):
    return Action.objects.select_related("roadmap").get(pk=action_id).roadmap


def pledge_delete(*, pledge: Pledge, by, expected_version: int | None, reason: str = "") -> None:
    """Remove a pledge nothing was delivered of; its history keeps what it was and
    who removed it. Refused if it moved on since ``expected_version``."""
    _check_can_edit(by, _roadmap_of(pledge.action_id))
    with transaction.atomic():
        _check_version(Pledge, pledge.pk, expected_version)
        current = Pledge.objects.get(pk=pledge.pk)
        if current.deliveries.exists():
            raise ValidationError(
                _(
                    "Deliveries were recorded against this pledge. Remove them first "
                    "if they were recorded by mistake; the pledge stays until then."
                ),
                code="delivered",
            )
        version_claim(current, expected_version)
        set_history_author(current, by=by, reason=reason)
        current.delete()


def delivery_update(
    *,
    delivery: Delivery,
    data: Mapping[str, Any],
    by,
    expected_version: int | None,
    reason: str = "",
) -> DeliveryRecorded:
    """Correct a line of a pledge's ledger (amount, date, note), refused if it moved
    on since ``expected_version``. More delivered than pledged is saved, and said.

    A correction that changes nothing saves nothing and keeps the version.
    """
    pledge = Pledge.objects.get(pk=delivery.pledge_id)
    _check_can_edit(by, _roadmap_of(pledge.action_id))
    with transaction.atomic():
        # The pledge first, as delivery_record locks it: two writes to one ledger queue.
        version_lock(Pledge, pledge.pk)
        pledge = Pledge.objects.get(pk=pledge.pk)
        _check_version(Delivery, delivery.pk, expected_version)
        current = Delivery.objects.get(pk=delivery.pk)
        current.pledge = pledge
        if not _set(current, data, DELIVERY_FIELDS):
            return DeliveryRecorded(delivery=current, delivered=ledger_total(pledge))
        _full_clean(current, exclude=["pledge"])
        version_claim(current, expected_version)
        set_history_author(current, by=by, reason=reason)
        current.save()
        delivered = ledger_total(pledge)
    return DeliveryRecorded(
        delivery=current, delivered=delivered, warnings=delivery_warnings(pledge, delivered)
    )


def delivery_delete(
    *, delivery: Delivery, by, expected_version: int | None, reason: str = ""
) -> None:
    """Remove a line of a pledge's ledger recorded by mistake; its history keeps it."""
    pledge = Pledge.objects.get(pk=delivery.pledge_id)
    _check_can_edit(by, _roadmap_of(pledge.action_id))
    with transaction.atomic():
        version_lock(Pledge, pledge.pk)
        _check_version(Delivery, delivery.pk, expected_version)
        current = Delivery.objects.get(pk=delivery.pk)
        version_claim(current, expected_version)
        set_history_author(current, by=by, reason=reason)
        current.delete()
