"""Writing an action's resources: its funding lines, the partners' pledges and the
deliveries recorded against them. Each write checks who may make it, validates
with the models' rules, keeps history, and refuses a lost update (``core.versions``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import permissions
from core.numbers import format_number
from core.versions import stale_save_error, version_claim, version_lock
from stakeholders.models import Organisation

from ..models import Action, Delivery, FundingLine, Pledge
from ..models.resources import ZERO
from .common import SYSTEM, _check_can_edit, set_history_author

FUNDING_LINE_FIELDS = ("funder", "programme", "amount", "currency", "status", "note")
PLEDGE_FIELDS = ("organisation", "kind", "amount", "unit", "description", "date")
DELIVERY_FIELDS = ("amount", "date", "note")
_TEXT_FIELDS = {"programme", "note", "description"}


def _set(obj, data: Mapping[str, Any], fields: tuple[str, ...]) -> bool:
    """Set ``data`` on ``obj``; whether anything differs from what it held."""
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"not fields of a {type(obj).__name__}: {sorted(unknown)}")
    changed = False
    for name, value in data.items():
        if name in _TEXT_FIELDS:
            value = (value or "").strip()
        model_field = obj._meta.get_field(name)
        if model_field.is_relation:
            value = getattr(value, "pk", value)
            name = model_field.attname
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _full_clean(obj, *, exclude: list[str], errors: dict[str, list[str]] | None = None) -> None:
    """The model's own validation (fields, constraints) and the service's ``errors``, as one."""
    found: dict[str, list[str]] = {
        name: list(messages) for name, messages in (errors or {}).items()
    }
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            found.setdefault(name, []).extend(messages)
    if found:
        raise ValidationError(found)


def _locked_action(action: Action) -> Action:
    return Action.objects.select_for_update().select_related("roadmap").get(pk=action.pk)


def _check_can_pledge(by, action: Action, organisation_id) -> None:
    """Refuse a pledge of an organisation for which ``by`` may not speak (a partner
    speaks for its own, on the actions it leads or partners)."""
    if by is SYSTEM:
        return
    if not permissions.can_add_pledge(by, action, getattr(organisation_id, "pk", organisation_id)):
        raise PermissionDenied(_("You may not record this for this organisation."))


def _check_version(model, pk, expected_version: int | None) -> None:
    """Lock the row and refuse when it moved on since ``expected_version`` (or is gone)."""
    current = version_lock(model, pk)
    if current is None or expected_version is None or current != expected_version:
        raise stale_save_error(model)


# --- Funding lines ---------------------------------------------------------------------


def funding_line_errors(*, action: Action, funder, currency: str | None) -> dict[str, list[str]]:
    """The rules of a funding line beyond its own fields: a funder organisation is
    one the roadmap works with (``Roadmap.eligible_partners``; any other is named
    as a programme), and the money is in the action's currency, so that funded,
    secured and gap add up."""
    errors: dict[str, list[str]] = {}
    funder_id = getattr(funder, "pk", funder)
    if funder_id and not action.roadmap.eligible_partners().filter(pk=funder_id).exists():
        errors["funder"] = [
            _(
                "Only organisations of the roadmap's city or of its working group are "
                "funders here; name any other funder as a programme."
            )
        ]
    if currency and currency != action.currency:
        errors["currency"] = [
            _("A funding line is in its action's currency (%(currency)s).")
            % {"currency": action.currency}
        ]
    return errors


def funding_line_create(
    *, action: Action, data: Mapping[str, Any], by, reason: str = ""
) -> FundingLine:
    """Add a funding line to ``action``; the currency is the action's unless given."""
    _check_can_edit(by, action.roadmap)
    with transaction.atomic():
        action = _locked_action(action)
        line = FundingLine(action=action, currency=action.currency)
        _set(line, data, FUNDING_LINE_FIELDS)
        _full_clean(
            line,
            exclude=["action"],
            errors=funding_line_errors(
                action=action, funder=line.funder_id, currency=line.currency
            ),
        )
        set_history_author(line, by=by, reason=reason)
        line.save()
    return line


def funding_line_update(
    *,
    funding_line: FundingLine,
    data: Mapping[str, Any],
    by,
    expected_version: int | None,
    reason: str = "",
) -> FundingLine:
    """Change a funding line, refused if it moved on since ``expected_version``.

    A change that changes nothing saves nothing and keeps the version.
    """
    action = Action.objects.select_related("roadmap").get(pk=funding_line.action_id)
    _check_can_edit(by, action.roadmap)
    with transaction.atomic():
        _check_version(FundingLine, funding_line.pk, expected_version)
        line = FundingLine.objects.get(pk=funding_line.pk)
        line.action = action
        if not _set(line, data, FUNDING_LINE_FIELDS):
            return line
        _full_clean(
            line,
            exclude=["action"],
            errors=funding_line_errors(
                action=action, funder=line.funder_id, currency=line.currency
            ),
        )
        # Compare-and-swap as the first write: whatever the database's locks.
        version_claim(line, expected_version)
        set_history_author(line, by=by, reason=reason)
        line.save()
    return line


def funding_line_delete(
    *, funding_line: FundingLine, by, expected_version: int | None, reason: str = ""
) -> None:
    """Remove a funding line; its history keeps what it was and who removed it."""
    action = Action.objects.select_related("roadmap").get(pk=funding_line.action_id)
    _check_can_edit(by, action.roadmap)
    with transaction.atomic():
        _check_version(FundingLine, funding_line.pk, expected_version)
        line = FundingLine.objects.get(pk=funding_line.pk)
        version_claim(line, expected_version)
        set_history_author(line, by=by, reason=reason)
        line.delete()


# --- Pledges ---------------------------------------------------------------------------


def pledge_errors(*, action: Action, organisation) -> dict[str, list[str]]:
    """Who may pledge to an action: an organisation that may take part in its
    roadmap (``Roadmap.eligible_partners``, the one answer to who may lead or
    partner a row)."""
    organisation_id = getattr(organisation, "pk", organisation)
    if not organisation_id:
        return {}
    if action.roadmap.eligible_partners().filter(pk=organisation_id).exists():
        return {}
    if not Organisation.objects.filter(pk=organisation_id).exists():
        return {"organisation": [_("Unknown organisation.")]}
    return {
        "organisation": [
            _(
                "Only organisations of the roadmap's city or of its working group may "
                "pledge to its actions."
            )
        ]
    }


def pledge_create(*, action: Action, data: Mapping[str, Any], by, reason: str = "") -> Pledge:
    """Record an organisation's pledge to ``action`` (a partner: its own organisation's)."""
    _check_can_pledge(by, action, data.get("organisation"))
    with transaction.atomic():
        action = _locked_action(action)
        pledge = Pledge(action=action)
        _set(pledge, data, PLEDGE_FIELDS)
        _full_clean(
            pledge,
            exclude=["action"],
            errors=pledge_errors(action=action, organisation=pledge.organisation_id),
        )
        set_history_author(pledge, by=by, reason=reason)
        pledge.save()
    return pledge


def pledge_update(
    *, pledge: Pledge, data: Mapping[str, Any], by, expected_version: int | None, reason: str = ""
) -> Pledge:
    """Change a pledge, refused if it moved on since ``expected_version``.

    What was delivered stays in its ledger: a pledge lowered below it is
    allowed (plans change) and shows as over-delivered.
    """
    action = Action.objects.select_related("roadmap").get(pk=pledge.action_id)
    _check_can_edit(by, action.roadmap)
    with transaction.atomic():
        _check_version(Pledge, pledge.pk, expected_version)
        current = Pledge.objects.get(pk=pledge.pk)
        current.action = action
        pledged_by = current.organisation_id
        if not _set(current, data, PLEDGE_FIELDS):
            return current
        errors = pledge_errors(action=action, organisation=current.organisation_id)
        if current.organisation_id != pledged_by and current.deliveries.exists():
            errors.setdefault("organisation", []).append(
                _("Deliveries were recorded against this pledge: its organisation stays.")
            )
        _full_clean(current, exclude=["action"], errors=errors)
        version_claim(current, expected_version)
        set_history_author(current, by=by, reason=reason)
        current.save()
    return current


# --- Deliveries ------------------------------------------------------------------------


@dataclass
class DeliveryRecorded:
    """A delivery recorded, and what the person who recorded it should know."""

    delivery: Delivery
    delivered: Any  # the pledge's ledger in all, with this delivery
    warnings: list[str] = field(default_factory=list)


def delivery_record(*, pledge: Pledge, data: Mapping[str, Any], by) -> DeliveryRecorded:
    """Add a line to a pledge's ledger of deliveries.

    More delivered than pledged is recorded (partners often bring more) and
    comes back as a warning to show. A partner records them against its own
    organisation's pledges (``core.permissions.can_record_delivery``).
    """
    action = Action.objects.select_related("roadmap").get(pk=pledge.action_id)
    with transaction.atomic():
        # Locked, so that two deliveries recorded at once both see each other.
        version_lock(Pledge, pledge.pk)
        current = Pledge.objects.get(pk=pledge.pk)
        if by is not SYSTEM and not permissions.can_record_delivery(by, action, current):
            raise PermissionDenied(_("You may not record a delivery against this pledge."))
        delivery = Delivery(pledge=current)
        _set(delivery, data, DELIVERY_FIELDS)
        _full_clean(delivery, exclude=["pledge"])
        set_history_author(delivery, by=by)
        delivery.save()
        delivered = ledger_total(current)
    return DeliveryRecorded(
        delivery=delivery, delivered=delivered, warnings=delivery_warnings(current, delivered)
    )


def ledger_total(pledge: Pledge):
    """What was delivered of ``pledge`` in all: the sum of its ledger."""
    return pledge.deliveries.aggregate(total=Sum("amount"))["total"] or ZERO


def delivery_warnings(pledge: Pledge, delivered) -> list[str]:
    """What to tell whoever recorded a delivery: more delivered than pledged is
    recorded (partners often bring more), and said."""
    if delivered <= pledge.amount:
        return []
    return [
        _(
            "Recorded. More is delivered now (%(delivered)s %(unit)s) than was "
            "pledged (%(pledged)s %(unit)s)."
        )
        % {
            "delivered": format_number(delivered),
            "pledged": format_number(pledge.amount),
            "unit": pledge.get_unit_display(),
        }
    ]
