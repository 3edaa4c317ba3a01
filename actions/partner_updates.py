"""What partners changed (issue 16), read from simple-history's records: a change
is a partner's when its ``history_user`` speaks for a partner organisation
(``core.permissions.partner_user_filter``). The Action Table filters its rows by it,
the dashboard lists the latest; each is one query whatever the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import CharField, DecimalField, Exists, F, IntegerField, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.history_reasons import reason_text
from core.numbers import format_number

from .models import Action, Delivery, Pledge


def _partner_users():
    return get_user_model().objects.filter(permissions.partner_user_filter()).values("pk")


def start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def changed_by_partners_since(actions, day: datetime.date):
    """The actions of ``actions`` that a partner changed on or after ``day``: the row
    (status, progress, indicators' values), a pledge to it or a delivery against one."""
    since = start_of(day)
    users = _partner_users()
    row = Action.history.filter(id=OuterRef("pk"), history_date__gte=since, history_user__in=users)
    pledges = Pledge.history.filter(
        action_id=OuterRef("pk"), history_date__gte=since, history_user__in=users
    )
    deliveries = Delivery.history.filter(
        pledge__action_id=OuterRef("pk"), history_date__gte=since, history_user__in=users
    )
    return actions.filter(Exists(row) | Exists(pledges) | Exists(deliveries))


@dataclass
class PartnerUpdate:
    """One change a partner made, as the dashboard lists it."""

    when: datetime.datetime
    action_id: int
    action_title: str
    organisation: str
    person: str
    what: str


# The columns every branch of the union selects, in this order.
_COLUMNS = (
    "partner_changed_at",
    "action_pk",
    "action_title",
    "organisation_name",
    "person_name",
    "record_kind",
    "new_status",
    "new_progress",
    "amount_value",
    "unit_value",
    "reason_value",
)


def _branch(history, prefix: str, kind: str, user, **columns):
    """One model's history records by partners, on the roadmaps ``user`` edits."""
    action_pk = f"{prefix}id"
    live = Action.objects.filter(pk=OuterRef(action_pk))
    records = history.filter(
        permissions.editable_roadmap_filter(user, prefix=f"{prefix}roadmap__"),
        Exists(live),
        history_user__in=_partner_users(),
    )
    values = {
        "partner_changed_at": F("history_date"),
        "action_pk": F(action_pk),
        "action_title": F(f"{prefix}title"),
        "organisation_name": F("history_user__person__organisation__name"),
        "person_name": F("history_user__person__name"),
        "record_kind": Value(kind, output_field=CharField()),
        "new_status": Value("", output_field=CharField()),
        "new_progress": Value(None, output_field=IntegerField()),
        "amount_value": Value(None, output_field=DecimalField()),
        "unit_value": Value("", output_field=CharField()),
        "reason_value": Value("", output_field=CharField()),
    }
    values.update(columns)
    # No ordering of its own: the union orders the whole (SQLite allows no other).
    return (
        records.annotate(**{name: values[name] for name in _COLUMNS}).values(*_COLUMNS).order_by()
    )


def recent_partner_updates(user, *, limit: int) -> list[PartnerUpdate]:
    """The latest ``limit`` changes partners made on the roadmaps ``user`` edits,
    newest first: rows, pledges and deliveries (one query)."""
    rows = _branch(
        Action.history,
        "",
        "action",
        user,
        new_status=F("status"),
        new_progress=F("progress"),
        reason_value=F("history_change_reason"),
    )
    pledges = _branch(
        Pledge.history,
        "action__",
        "pledge",
        user,
        amount_value=F("amount"),
        unit_value=F("unit"),
    )
    deliveries = _branch(
        Delivery.history,
        "pledge__action__",
        "delivery",
        user,
        amount_value=F("amount"),
        unit_value=F("pledge__unit"),
    )
    union = rows.union(pledges, deliveries, all=True).order_by("-partner_changed_at")[:limit]
    return [_update(record) for record in union]


def _update(record: dict) -> PartnerUpdate:
    return PartnerUpdate(
        when=record["partner_changed_at"],
        action_id=record["action_pk"],
        action_title=record["action_title"],
        organisation=record["organisation_name"],
        person=record["person_name"],
        what=_what(record),
    )


def _what(record: dict) -> str:
    kind = record["record_kind"]
    amount = record["amount_value"]
    if kind in ("pledge", "delivery"):
        unit = record["unit_value"]
        unit = str(Pledge.Unit(unit).label) if unit in Pledge.Unit.values else unit
        number = format_number(Decimal(amount)) if amount is not None else "—"
        if kind == "pledge":
            return _("pledged %(amount)s %(unit)s") % {"amount": number, "unit": unit}
        return _("delivered %(amount)s %(unit)s") % {"amount": number, "unit": unit}
    reason = reason_text(record["reason_value"])
    if reason:
        return reason
    status = record["new_status"]
    status = str(Action.Status(status).label) if status in Action.Status.values else status
    return _("%(status)s, %(progress)s %%") % {"status": status, "progress": record["new_progress"]}
