"""What an action costs and who brings what: its funding lines, the partners'
pledges and the deliveries recorded against them (a ledger, never one
overwritten number), with the rules of funded, secured, gap and "fully pledged".

The action's estimated cost is its ``budget`` in its ``currency`` (``Action``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

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
        return f"{self.funder_name}: {self.amount} {self.currency}"

    @property
    def funder_name(self) -> str:
        return self.funder.name if self.funder_id else self.programme

    @property
    def is_secured(self) -> bool:
        return self.status in self.SECURED_STATUSES


def _line_sum(*statuses: str):
    """The sum of an action's funding lines in its own currency (of ``statuses``, or all)."""
    lines = FundingLine.objects.filter(action=OuterRef("pk"), currency=OuterRef("currency"))
    if statuses:
        lines = lines.filter(status__in=statuses)
    total = lines.order_by().values("action").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=TOTAL), Value(ZERO), output_field=TOTAL)


def annotate_funding(actions: models.QuerySet[Action]) -> models.QuerySet[Action]:
    """The one rule of funded / secured / gap, in SQL, on each action of ``actions``:

    ``funded``: every funding line; ``secured``: those secured or received;
    ``funding_gap``: the estimated cost not yet secured (never below zero; None
    without an estimate). Lines count in the action's currency only (the
    services refuse others; a later change of the action's currency leaves them
    out rather than adding euros to leva).
    """
    return actions.annotate(
        funded=_line_sum(),
        secured=_line_sum(*FundingLine.SECURED_STATUSES),
    ).annotate(
        funding_gap=models.Case(
            models.When(budget__isnull=True, then=Value(None, output_field=TOTAL)),
            default=Greatest(F("budget") - F("secured"), Value(ZERO), output_field=TOTAL),
            output_field=TOTAL,
        )
    )


@dataclass
class FundingTotals:
    """Cost, secured and gap of a set of actions in one currency."""

    currency: str
    cost: Decimal = ZERO
    funded: Decimal = ZERO
    secured: Decimal = ZERO
    gap: Decimal = ZERO

    def add(self, other: FundingTotals) -> None:
        self.cost += other.cost
        self.funded += other.funded
        self.secured += other.secured
        self.gap += other.gap


@dataclass
class RoadmapFunding:
    """A roadmap's funding, per challenge (None: actions without one) and in all,
    each by currency: money in different currencies is never added up."""

    by_challenge: dict[int | None, dict[str, FundingTotals]] = field(default_factory=dict)
    total: dict[str, FundingTotals] = field(default_factory=dict)


def funding_totals(actions: models.QuerySet[Action]) -> RoadmapFunding:
    """Cost, funded, secured and gap of ``actions`` per challenge and in all (one query).

    The gap adds up each action's gap: money over one action's cost does not
    fill another's.
    """
    rows = (
        annotate_funding(actions)
        .order_by()
        .values("challenge_id", "currency")
        .annotate(
            cost_total=Coalesce(Sum("budget"), Value(ZERO), output_field=TOTAL),
            funded_total=Coalesce(Sum("funded"), Value(ZERO), output_field=TOTAL),
            secured_total=Coalesce(Sum("secured"), Value(ZERO), output_field=TOTAL),
            gap_total=Coalesce(Sum("funding_gap"), Value(ZERO), output_field=TOTAL),
        )
        .order_by("challenge_id", "currency")
    )
    result = RoadmapFunding()
    for row in rows:
        totals = FundingTotals(
            currency=row["currency"],
            cost=row["cost_total"],
            funded=row["funded_total"],
            secured=row["secured_total"],
            gap=row["gap_total"],
        )
        result.by_challenge.setdefault(row["challenge_id"], {})[totals.currency] = totals
        whole = result.total.setdefault(totals.currency, FundingTotals(currency=totals.currency))
        whole.add(totals)
    return result


# --- Pledges and deliveries -------------------------------------------------------------


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
        return f"{self.organisation}: {self.amount} {self.get_unit_display()} ({self.get_kind_display()})"

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


def delivered_sum(pledge_ref: str = "pk"):
    """The sum of the deliveries of the pledge ``pledge_ref`` names (an outer reference)."""
    total = (
        Delivery.objects.filter(pledge=OuterRef(pledge_ref))
        .order_by()
        .values("pledge")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=TOTAL), Value(ZERO), output_field=TOTAL)


def pledges_with_delivered(pledges: models.QuerySet[Pledge]) -> models.QuerySet[Pledge]:
    """``pledges``, each with ``delivered``: the sum of its ledger, in SQL."""
    return pledges.annotate(delivered=delivered_sum())


@dataclass
class KindTotals:
    """Needed, pledged and delivered of one kind of contribution, in one unit."""

    kind: str
    unit: str
    needed: Decimal | None = None
    pledged: Decimal = ZERO
    delivered: Decimal = ZERO

    @property
    def kind_label(self) -> str:
        return str(Pledge.Kind(self.kind).label)

    @property
    def unit_label(self) -> str:
        return str(Pledge.Unit(self.unit).label)


def pledge_totals(pledges: models.QuerySet[Pledge]) -> list[KindTotals]:
    """Pledged and delivered per kind and unit of ``pledges`` (one query)."""
    rows = (
        pledges_with_delivered(pledges)
        .order_by()
        .values("kind", "unit")
        .annotate(
            pledged_total=Coalesce(Sum("amount"), Value(ZERO), output_field=TOTAL),
            delivered_total=Coalesce(Sum("delivered"), Value(ZERO), output_field=TOTAL),
        )
        .order_by("kind", "unit")
    )
    return [
        KindTotals(
            kind=row["kind"],
            unit=row["unit"],
            pledged=row["pledged_total"],
            delivered=row["delivered_total"],
        )
        for row in rows
    ]


@dataclass
class ResourceNeeds:
    """What an action needs of partners, per kind: its cash gap and its people-days."""

    currency: str
    cash: Decimal | None  # the estimated cost not secured by funding lines
    days: Decimal | None  # the action's people-days

    @classmethod
    def of(cls, *, currency: str, funding_gap: Decimal | None, people_days: Decimal | None):
        return cls(currency=currency, cash=funding_gap, days=people_days)


def needed_pledged_delivered(*, needs: ResourceNeeds, totals: Iterable[KindTotals]):
    """Needed vs pledged vs delivered per kind: ``totals`` with the needs filled in.

    Cash is needed in the action's currency (its funding gap); pro bono
    expertise and volunteer hours cover the people-days, counted in days
    (``HOURS_PER_DAY`` hours a day). A need nothing was pledged against gets
    a row of its own.
    """
    rows = list(totals)
    for row in rows:
        if row.kind == Pledge.Kind.CASH and row.unit == needs.currency:
            row.needed = needs.cash
        elif row.kind in Pledge.TIME_KINDS and row.unit == Pledge.Unit.DAYS:
            row.needed = needs.days
    present = {(row.kind, row.unit) for row in rows}
    wants_cash = needs.cash and needs.currency in Pledge.MONEY_UNITS
    if wants_cash and (Pledge.Kind.CASH, needs.currency) not in present:
        rows.append(KindTotals(kind=Pledge.Kind.CASH, unit=needs.currency, needed=needs.cash))
    if needs.days and not any(
        row.kind in Pledge.TIME_KINDS and row.unit == Pledge.Unit.DAYS for row in rows
    ):
        rows.append(
            KindTotals(kind=Pledge.Kind.VOLUNTEER_HOURS, unit=Pledge.Unit.DAYS, needed=needs.days)
        )
    return rows


def is_fully_pledged(*, needs: ResourceNeeds, totals: Iterable[KindTotals]) -> bool:
    """The one rule of "fully pledged": something is pledged, and the pledges cover
    every need the action states (its cash gap in its currency, its people-days
    in days or hours). A need in a currency no pledge can be made in (HUF) is
    covered by funding lines only."""
    totals = list(totals)
    if not any(row.pledged for row in totals):
        return False
    if needs.cash and needs.currency in Pledge.MONEY_UNITS:
        cash = sum(
            (
                row.pledged
                for row in totals
                if row.kind == Pledge.Kind.CASH and row.unit == needs.currency
            ),
            ZERO,
        )
        if cash < needs.cash:
            return False
    if needs.days:
        days = sum(
            (
                row.pledged if row.unit == Pledge.Unit.DAYS else row.pledged / HOURS_PER_DAY
                for row in totals
                if row.kind in Pledge.TIME_KINDS and row.unit in Pledge.TIME_UNITS
            ),
            ZERO,
        )
        if days < needs.days:
            return False
    return True


@dataclass
class ActionResources:
    """What the action page shows of an action's resources, read in three queries."""

    action: Action
    funding_lines: list[FundingLine]
    pledges: list[Pledge]
    per_kind: list[KindTotals]
    fully_pledged: bool

    @classmethod
    def of(cls, action: Action) -> ActionResources:
        """``action`` annotated by ``annotate_funding``."""
        needs = ResourceNeeds.of(
            currency=action.currency,
            funding_gap=action.funding_gap,
            people_days=action.people_days,
        )
        pledges = Pledge.objects.filter(action=action)
        totals = pledge_totals(pledges)
        return cls(
            action=action,
            funding_lines=list(FundingLine.objects.filter(action=action).select_related("funder")),
            pledges=list(
                pledges_with_delivered(pledges.select_related("organisation")).order_by(
                    "date", "pk"
                )
            ),
            per_kind=needed_pledged_delivered(needs=needs, totals=totals),
            fully_pledged=is_fully_pledged(needs=needs, totals=totals),
        )
