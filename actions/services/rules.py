"""The rules a row must keep before it is saved: what changed, its partners, its
constraints. The browser, the admin and the importer place these errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from stakeholders.models import Organisation

from ..models import Action, Challenge, Roadmap
from .common import EDITABLE_FIELDS

TEXT_FIELDS = ("title", "description", "expected_results", "resources", "in_kind")


@dataclass
class RoadmapFacts:
    """What the rules of a row ask the database about its roadmap, read once for
    the many rows of one write (the importer's): the roadmap's challenges and the
    organisations it may take as partners. A single row's write asks per row."""

    roadmap: Roadmap
    challenge_ids: frozenset[int] = field(init=False)
    _eligible: frozenset[int] | None = field(default=None, init=False)

    def __post_init__(self):
        self.challenge_ids = frozenset(self.roadmap.challenges.values_list("pk", flat=True))

    @property
    def eligible_ids(self) -> frozenset[int]:
        """``Roadmap.eligible_partners``, by id (one query, when first asked)."""
        if self._eligible is None:
            self._eligible = frozenset(
                self.roadmap.eligible_partners().values_list("pk", flat=True)
            )
        return self._eligible


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


def _check_editable(data: Mapping[str, Any]) -> None:
    for name in data:
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable field of an action")


def action_changes(*, action: Action, data: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Return {field: (old, new)} for the fields of ``data`` that differ from ``action``.

    Foreign keys compare by id and key partners as a set of ids, so that a
    value read back from a spreadsheet equals the stored one.
    """
    _check_editable(data)
    return value_changes(stored={name: _field_value(action, name) for name in data}, data=data)


def value_changes(
    *, stored: Mapping[str, Any], data: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """``action_changes`` of a row read as values: ``stored`` holds each field of
    ``data`` by name, foreign keys as ids and key partners as a frozenset of ids
    (``Action.objects.values(...)`` and the key partners' through rows)."""
    _check_editable(data)
    changes = {}
    for name, value in data.items():
        old = stored[name]
        new = _data_value(name, value)
        if name in TEXT_FIELDS:
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
        elif name in TEXT_FIELDS:
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


def progress_doubts(*, status: str | None, progress: int | None) -> list[str]:
    """What a row's status and progress make doubtful, for a form to ask about
    (not refused: "done" at 80 % can be right, the last fifth dropped). Now one
    question: done, yet short of 100 %."""
    if status == Action.Status.DONE and progress is not None and progress < 100:
        return [
            _(
                "The status is %(status)s but the progress is %(progress)s %%. Which is"
                " right? Set the progress to 100 %%, change the status, or tick the box"
                " below to keep both."
            )
            % {"status": Action.Status.DONE.label, "progress": progress}
        ]
    return []


def _validate(
    action: Action, key_partner_ids: set[int] | None, *, facts: RoadmapFacts | None = None
) -> None:
    """Refuse a row that breaks a rule, with every error by field.

    With ``facts`` (of the row's roadmap) the challenge and the partners are checked
    against what they say instead of a query each; a challenge or lead partner they
    do not know goes through Django's own check, so the messages are the same.
    """
    errors: dict[str, list[str]] = {}
    exclude = ["roadmap"]
    if facts is not None:
        if action.challenge_id is None or action.challenge_id in facts.challenge_ids:
            exclude.append("challenge")
        if action.lead_partner_id is None or action.lead_partner_id in facts.eligible_ids:
            exclude.append("lead_partner")
    try:
        # The check constraints are the database's: a row that breaks one is
        # refused by its save, with the constraint's message (_constraints_as_errors).
        action.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if action.challenge_id is not None and not _challenge_of_roadmap(action, facts):
        errors.setdefault("challenge", []).append(_("This challenge belongs to another roadmap."))
    if key_partner_ids is None:
        key_partner_ids = set(_field_value(action, "key_partners"))
    for name, messages in partner_errors(
        lead_partner=action.lead_partner_id, key_partners=key_partner_ids
    ).items():
        errors.setdefault(name, []).extend(messages)
    for name, messages in _eligibility_errors(action, key_partner_ids, facts).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _challenge_of_roadmap(action: Action, facts: RoadmapFacts | None) -> bool:
    if facts is not None and facts.roadmap.pk == action.roadmap_id:
        return action.challenge_id in facts.challenge_ids
    return Challenge.objects.filter(pk=action.challenge_id, roadmap_id=action.roadmap_id).exists()


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


def _eligibility_errors(
    action: Action, key_partner_ids: set[int], facts: RoadmapFacts | None = None
) -> dict[str, list[str]]:
    """Refuse partners that ``Roadmap.eligible_partners`` does not offer (one query,
    or none with ``facts``; and one more to tell an unknown organisation from an
    ineligible one)."""
    wanted = set(key_partner_ids)
    if action.lead_partner_id:
        wanted.add(action.lead_partner_id)
    if not wanted:
        return {}
    if facts is not None and facts.roadmap.pk == action.roadmap_id:
        missing = wanted - facts.eligible_ids
    else:
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
