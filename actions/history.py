"""An action's history as people read it: who changed what, when."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.history_reasons import reason_text
from core.numbers import format_number
from stakeholders.models import Organisation

from .models import Action, Challenge

_KINDS = {"+": _("created"), "~": _("changed"), "-": _("removed")}
# Fields that are bookkeeping, not something an editor changed.
_SKIP = {"changed_at", "changed_by", "created_at", "created_by", "version", "position"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    user: str
    kind: str
    reason: str
    version: int
    changes: list[Change] = field(default_factory=list)


def _fields() -> list[str]:
    """What an entry compares, in the order of the row's fields; key partners last."""
    names = [f.name for f in Action._meta.concrete_fields if f.name not in _SKIP and f.name != "id"]
    names.remove("roadmap")
    return [*names, "key_partners"]


def _partner_ids(rows) -> list[int]:
    """Key partners as ``diff_against`` gives them: rows of the history's link table."""
    return [row["organisation"] for row in rows]


def _labeller(changes):
    """Return a function turning a stored value of a field into readable text."""
    org_ids, challenge_ids = set(), set()
    for change in changes:
        for value in (change.old, change.new):
            if change.field == "lead_partner" and value:
                org_ids.add(value)
            elif change.field == "challenge" and value:
                challenge_ids.add(value)
            elif change.field == "key_partners":
                org_ids.update(_partner_ids(value))
    organisations = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    challenges = dict(Challenge.objects.filter(pk__in=challenge_ids).values_list("pk", "title"))
    choices = {
        f.name: dict(f.choices) for f in Action._meta.get_fields() if getattr(f, "choices", None)
    }

    def text(name, value) -> str:
        if name == "key_partners":
            names = sorted(organisations.get(i, str(i)) for i in _partner_ids(value))
            return ", ".join(names) or "—"
        if value in (None, ""):
            return "—"
        if name == "lead_partner":
            return organisations.get(value, str(value))
        if name == "challenge":
            return challenges.get(value, str(value))
        if name in choices:
            return str(choices[name].get(value, value))
        if isinstance(value, Decimal):
            return format_number(value)
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return str(value)

    return text


def action_history_entries(action: Action) -> list[HistoryEntry]:
    """Newest first; each entry lists the fields that changed from the one before
    (simple-history's ``diff_against``)."""
    records = list(
        action.history.select_related("history_user").order_by("history_date", "history_id")
    )
    fields = _fields()
    order = {name: index for index, name in enumerate(fields)}
    deltas = [[]] + [
        sorted(
            record.diff_against(previous, included_fields=fields).changes,
            key=lambda change: order[change.field],
        )
        for previous, record in itertools.pairwise(records)
    ]
    text = _labeller(change for changes in deltas for change in changes)
    entries = [
        HistoryEntry(
            when=record.history_date,
            user=record.history_user.get_username() if record.history_user else "—",
            kind=str(_KINDS.get(record.history_type, record.history_type)),
            reason=reason_text(record.history_change_reason),
            version=record.version,
            changes=[
                Change(
                    str(Action._meta.get_field(change.field).verbose_name),
                    text(change.field, change.old),
                    text(change.field, change.new),
                )
                for change in changes
            ],
        )
        for record, changes in zip(records, deltas, strict=True)
    ]
    entries.reverse()
    return entries


def history_for_reader(action: Action, *, can_see_people: bool) -> list:
    """The action's history, naming who changed what only to those who may see
    people (``people_names``)."""
    entries = action_history_entries(action)
    usernames = {entry.user for entry in entries if entry.user != "—"}
    if not usernames:
        return entries
    names = people_names(usernames, can_see_people=can_see_people)
    for entry in entries:
        entry.user = names.get(entry.user, entry.user)
    return entries


def people_names(usernames, *, can_see_people: bool) -> dict[str, str]:
    """How the history and a lost-update conflict name the users ``usernames``
    (login name -> name, one query): the city's staff read full names, anybody else
    "a member of staff" (never a login name); a partner's change names its
    organisation to all (issue 16), to those who may see people with the person."""
    usernames = set(usernames)
    if not usernames:
        return {}
    user_model = get_user_model()
    users = (
        user_model.objects.filter(username__in=usernames)
        .select_related("person__organisation")
        .annotate(
            is_partner=Exists(
                user_model.objects.filter(permissions.partner_user_filter(), pk=OuterRef("pk"))
            )
        )
    )
    names = {}
    for user in users:
        # A login without a full name: the name of the person it is linked to.
        person = getattr(user, "person", None)
        name = user.get_full_name() or (person.name if person else "") or user.get_username()
        if user.is_partner:
            organisation = person.organisation.name
            name = f"{person.name} ({organisation})" if can_see_people else organisation
        elif not can_see_people:
            name = str(_("a member of staff"))
        names[user.get_username()] = name
    return names


def person_name(user, *, can_see_people: bool) -> str:
    """``user`` as ``people_names`` names them; "" for no user."""
    if user is None:
        return ""
    return people_names([user.get_username()], can_see_people=can_see_people).get(
        user.get_username(), ""
    )
