"""What a follower's digest says of pledges and deliveries: a pledge made, changed or
withdrawn, a delivery recorded, on the actions they follow; read from the history
that the resources' services keep (django-simple-history), with who made each."""

from __future__ import annotations

import datetime

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from actions.models import Delivery, Pledge
from actions.models.resources import PledgeKind, PledgeUnit
from core.numbers import format_number
from stakeholders.models import Organisation

# The fields of a pledge whose change the follower is told of.
PLEDGE_FIELDS = ("organisation", "kind", "amount", "unit", "date", "description")


def _amount_text(amount, unit) -> str:
    return f"{format_number(amount)} {PledgeUnit(unit).label}"


# Written when the mail is, in its recipient's language.
amount_text = lazy(_amount_text, str)


def _pledge_label(record, organisations: dict[int, str]):
    return format_lazy(
        gettext_lazy("pledge of {organisation} ({kind})"),
        organisation=organisations.get(record.organisation_id, "?"),
        kind=PledgeKind(record.kind).label,
    )


def pledge_changes(
    since: datetime.datetime, until: datetime.datetime, action_ids
) -> list[tuple[int, int | None, dict]]:
    """(action id, author id, change) for each pledge and delivery change in [since, until)."""
    pledges = list(
        Pledge.history.filter(
            history_date__gte=since, history_date__lt=until, action_id__in=action_ids
        ).order_by("history_date", "history_id")
    )
    # Deliveries of the followed actions' pledges, withdrawn pledges' too (their history).
    action_of = dict(
        Pledge.history.filter(action_id__in=action_ids).values_list("id", "action_id").distinct()
    )
    deliveries = list(
        Delivery.history.filter(
            history_date__gte=since, history_date__lt=until, pledge_id__in=list(action_of)
        ).order_by("history_date", "history_id")
    )
    # Each delivered pledge as it last was (the last record wins).
    last_of_pledge = {
        record.id: record
        for record in Pledge.history.filter(
            id__in={record.pledge_id for record in deliveries}
        ).order_by("history_date", "history_id")
    }
    organisations = dict(
        Organisation.objects.filter(
            pk__in={r.organisation_id for r in pledges}
            | {r.organisation_id for r in last_of_pledge.values()}
        ).values_list("pk", "name")
    )
    found = []
    for record in pledges:
        label = _pledge_label(record, organisations)
        new = amount_text(record.amount, record.unit)
        if record.history_type == "+":
            change = {
                "field": label,
                "note": format_lazy(gettext_lazy("pledged: {amount}"), amount=new),
            }
        elif record.history_type == "-":
            change = {"field": label, "note": gettext_lazy("withdrawn")}
        else:
            previous = record.prev_record
            if (
                previous is None
                or not record.diff_against(previous, included_fields=PLEDGE_FIELDS).changes
            ):
                continue
            old = amount_text(previous.amount, previous.unit)
            if (previous.amount, previous.unit) == (record.amount, record.unit):
                change = {"field": label, "note": gettext_lazy("changed")}
            else:
                change = {"field": label, "old": old, "new": new}
        found.append((record.action_id, record.history_user_id, change))
    for record in deliveries:
        pledge = last_of_pledge.get(record.pledge_id)
        if pledge is None or record.history_type == "-":
            continue
        label = _pledge_label(pledge, organisations)
        amount = amount_text(record.amount, pledge.unit)
        note = (
            gettext_lazy("delivered: {amount}")
            if record.history_type == "+"
            else gettext_lazy("delivery changed: {amount}")
        )
        change = {"field": label, "note": format_lazy(note, amount=amount), "date": record.date}
        found.append((action_of[record.pledge_id], record.history_user_id, change))
    return found
