"""An action's history as people read it: who changed what, when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from stakeholders.models import Organisation

from .models import Action, Challenge

_KINDS = {"+": _("created"), "~": _("changed"), "-": _("removed")}
# Fields that are bookkeeping, not something an editor changed.
# simple-history's reverse accessor from a history record to its key-partner rows.
_M2M_HISTORY = "historicalaction_key_partners_set"
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


def _labeller(records):
    """Return a function turning a stored value of a field into readable text."""
    org_ids, challenge_ids = set(), set()
    for record in records:
        if record.lead_partner_id:
            org_ids.add(record.lead_partner_id)
        if record.challenge_id:
            challenge_ids.add(record.challenge_id)
        org_ids.update(p.organisation_id for p in getattr(record, _M2M_HISTORY).all())
    organisations = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    challenges = dict(Challenge.objects.filter(pk__in=challenge_ids).values_list("pk", "title"))
    choices = {
        f.name: dict(f.choices) for f in Action._meta.get_fields() if getattr(f, "choices", None)
    }

    def text(name, value) -> str:
        if value in (None, ""):
            return "—"
        if name == "lead_partner":
            return organisations.get(value, str(value))
        if name == "challenge":
            return challenges.get(value, str(value))
        if name == "key_partners":
            ids = [row["organisation"] if isinstance(row, dict) else row for row in value]
            return ", ".join(sorted(organisations.get(i, str(i)) for i in ids)) or "—"
        if name in choices:
            return str(choices[name].get(value, value))
        return str(value)

    return text


def action_history_entries(action: Action) -> list[HistoryEntry]:
    """Newest first; each entry lists the fields that changed from the one before."""
    records = list(
        action.history.select_related("history_user")
        .prefetch_related(_M2M_HISTORY)
        .order_by("history_date", "history_id")
    )
    text = _labeller(records)
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            user=record.history_user.get_username() if record.history_user else "—",
            kind=str(_KINDS.get(record.history_type, record.history_type)),
            reason=record.history_change_reason or "",
            version=record.version,
        )
        if previous is not None:
            for name in _fields():
                if name == "key_partners":
                    old = sorted(p.organisation_id for p in getattr(previous, _M2M_HISTORY).all())
                    new = sorted(p.organisation_id for p in getattr(record, _M2M_HISTORY).all())
                else:
                    old = getattr(previous, Action._meta.get_field(name).attname)
                    new = getattr(record, Action._meta.get_field(name).attname)
                if old != new:
                    entry.changes.append(
                        Change(
                            str(Action._meta.get_field(name).verbose_name),
                            text(name, old),
                            text(name, new),
                        )
                    )
        entries.append(entry)
        previous = record
    entries.reverse()
    return entries


def _fields():
    names = [f.name for f in Action._meta.concrete_fields if f.name not in _SKIP and f.name != "id"]
    names.remove("roadmap")
    return [*names, "key_partners"]
