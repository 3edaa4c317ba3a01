"""What an action costs and who brings what: its funding lines, the partners'
pledges and the deliveries recorded against them (a ledger, never one
overwritten number). What they add up to (funded, secured, gap, "fully pledged")
is resource_totals.py.

The action's estimated cost is its ``budget`` in its ``currency`` (``Action``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.numbers import format_number
from stakeholders.models import Organisation

from .rows import Action

ZERO = Decimal("0")
# A money amount, and a sum of many of them.
AMOUNT = {"max_digits": 14, "decimal_places": 2}
TOTAL = models.DecimalField(max_digits=18, decimal_places=2)
# A day of pledged time, for comparing hours with the action's people-days.
HOURS_PER_DAY = 8


class FieldPlacedConstraints:
    """Report a broken check constraint on the field it is about.

    Django's ``validate_constraints`` files every check constraint's message
    under the form's top; ``constraint_fields`` names the field each one is
    placed on instead, and ``constraint_message`` may word it for the row.
    """

    constraint_fields: dict[str, str] = {}

    def constraint_message(self, constraint) -> str | None:
        return None

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError:
            pass
        else:
            return
        # Asked again one by one, to know which constraint each message is of.
        errors: dict[str, list] = {}
        for constraint in self._meta.constraints:
            try:
                constraint.validate(type(self), self, exclude=exclude)
            except ValidationError as error:
                name = self.constraint_fields.get(constraint.name, "__all__")
                message = self.constraint_message(constraint)
                errors.setdefault(name, []).extend([message] if message else error.messages)
        if errors:
            raise ValidationError(errors)


# --- Funding lines --------------------------------------------------------------------


class FundingLine(FieldPlacedConstraints, models.Model):
    """One source of the action's money: an organisation or a named programme."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("a funding line", "planned")
        REQUESTED = "requested", pgettext_lazy("a funding line", "requested")
        SECURED = "secured", pgettext_lazy("a funding line", "secured")
        RECEIVED = "received", pgettext_lazy("a funding line", "received")

    # Money that is promised or in the bank: what "secured" adds up.
    SECURED_STATUSES = (Status.SECURED, Status.RECEIVED)

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="funding_lines", verbose_name=_("action")
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name=_("funder (organisation)"),
        null=True,
        blank=True,
    )
    programme = models.CharField(
        _("funder (programme)"),
        max_length=200,
        blank=True,
        help_text=_("A named programme or budget, such as “ESF+” or “municipal budget”."),
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Action.Currency.choices, default=Action.Currency.EUR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    constraint_fields = {
        "funding_line_amount_not_negative": "amount",
        "funding_line_one_funder": "programme",
    }

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["action", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_line_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(funder__isnull=False) & Q(programme=""))
                | (Q(funder__isnull=True) & ~Q(programme="")),
                name="funding_line_one_funder",
                violation_error_message=_(
                    "Name the funder: an organisation or a programme, not both."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.funder_name}: {format_number(self.amount)} {self.currency}"

    @property
    def funder_name(self) -> str:
        return self.funder.name if self.funder_id else self.programme

    @property
    def is_secured(self) -> bool:
        return self.status in self.SECURED_STATUSES


class PledgeKind(models.TextChoices):
    CASH = "cash", _("cash")
    IN_KIND = "in_kind", _("in kind")
    PRO_BONO = "pro_bono", _("pro bono expertise")
    VOLUNTEER_HOURS = "volunteer_hours", _("volunteer hours")
    PREMISES = "premises", _("premises or equipment")


class PledgeUnit(models.TextChoices):
    BGN = "BGN", _("BGN")
    EUR = "EUR", _("EUR")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    PIECES = "pieces", _("pieces")


# The one table of which units a kind of contribution is counted in: the
# database's constraint and the message of a wrong unit are made from it.
UNITS_OF_KIND: dict[str, tuple[str, ...]] = {
    PledgeKind.CASH: (PledgeUnit.BGN, PledgeUnit.EUR),
    PledgeKind.IN_KIND: (PledgeUnit.PIECES, PledgeUnit.BGN, PledgeUnit.EUR),
    PledgeKind.PRO_BONO: (PledgeUnit.HOURS, PledgeUnit.DAYS),
    PledgeKind.VOLUNTEER_HOURS: (PledgeUnit.HOURS, PledgeUnit.DAYS),
    PledgeKind.PREMISES: (PledgeUnit.DAYS, PledgeUnit.HOURS, PledgeUnit.PIECES),
}


def _unit_matches_kind() -> Q:
    condition = Q()
    for kind, units in UNITS_OF_KIND.items():
        condition |= Q(kind=kind, unit__in=list(units))
    return condition


class Pledge(FieldPlacedConstraints, models.Model):
    """A partner organisation's promise to bring something to an action."""

    Kind = PledgeKind
    Unit = PledgeUnit
    UNITS_OF_KIND = UNITS_OF_KIND
    MONEY_UNITS = (PledgeUnit.BGN, PledgeUnit.EUR)
    TIME_UNITS = (PledgeUnit.HOURS, PledgeUnit.DAYS)
    # The kinds that bring people's time, measured against the action's people-days.
    TIME_KINDS = (PledgeKind.PRO_BONO, PledgeKind.VOLUNTEER_HOURS)

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("action")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind of contribution"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date pledged"), default=timezone.localdate)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    constraint_fields = {
        "pledge_amount_not_negative": "amount",
        "pledge_unit_matches_kind": "unit",
    }

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["action", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="pledge_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=_unit_matches_kind(),
                name="pledge_unit_matches_kind",
                violation_error_message=_("This unit does not fit the kind of contribution."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.amount_text()} ({self.get_kind_display()})"

    def amount_text(self, amount: Decimal | None = None) -> str:
        """``amount`` (by default the pledge's own) in the pledge's unit, as the pages
        write it ("10 000 BGN", "6 days")."""
        return (
            f"{format_number(self.amount if amount is None else amount)} {self.get_unit_display()}"
        )

    def constraint_message(self, constraint) -> str | None:
        if constraint.name == "pledge_unit_matches_kind" and self.kind in self.UNITS_OF_KIND:
            return units_message(self.kind)
        return None


def units_message(kind: str):
    """What a pledge of ``kind`` is counted in, as the message of a wrong unit."""
    units = ", ".join(str(PledgeUnit(unit).label) for unit in UNITS_OF_KIND[kind])
    return format_lazy(
        _("A pledge of {kind} is counted in: {units}."),
        kind=PledgeKind(kind).label,
        units=units,
    )


class Delivery(FieldPlacedConstraints, models.Model):
    """What was delivered of a pledge, on a date: one line of its ledger."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("pledge")
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)
    date = models.DateField(_("date delivered"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    constraint_fields = {"delivery_amount_not_negative": "amount"}

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pledge", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="delivery_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.amount} ({self.date})"
