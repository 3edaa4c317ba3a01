"""What an action's resources add up to: funded / secured / gap per action,
challenge and roadmap (SQL subqueries), pledged and delivered per kind, what is
still needed, and whether the resources are fully pledged. The models are in
resources.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from .resources import (
    HOURS_PER_DAY,
    TOTAL,
    ZERO,
    Delivery,
    FundingLine,
    Pledge,
)
from .rows import Action


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

    def per_challenge(self, challenges: Iterable) -> list[tuple[object, list[FundingTotals]]]:
        """(challenge, its totals by currency) in the order of ``challenges``, the
        actions without a challenge last (None); a challenge without actions is left out."""
        rows = [
            (challenge, _by_currency(self.by_challenge[challenge.pk]))
            for challenge in challenges
            if challenge.pk in self.by_challenge
        ]
        if None in self.by_challenge:
            rows.append((None, _by_currency(self.by_challenge[None])))
        return rows

    @property
    def total_list(self) -> list[FundingTotals]:
        """The whole roadmap's totals, one per currency."""
        return _by_currency(self.total)


def _by_currency(totals: dict[str, FundingTotals]) -> list[FundingTotals]:
    return [totals[currency] for currency in sorted(totals)]


# What the sums are grouped by in SQL, in the order of the index action_roadmap_totals
# (no sort): a few rows per roadmap, then added up per challenge or roadmap.
_FUNDING_GROUPS = ("roadmap_id", "challenge_id", "currency")


def _sums(actions: models.QuerySet[Action], **sums) -> dict[tuple, dict]:
    rows = actions.order_by().values(*_FUNDING_GROUPS).annotate(**sums).order_by(*_FUNDING_GROUPS)
    return {tuple(row[key] for key in _FUNDING_GROUPS): row for row in rows}


def _grouped_funding(actions: models.QuerySet[Action], by: str):
    """Cost, funded, secured and gap of ``actions``, summed per ``by`` (``roadmap_id`` or
    ``challenge_id``) and currency, in SQL.

    The gap adds up each action's gap: money over one action's cost does not
    fill another's.

    Two queries: the cost of every action (its budget: read from the index
    action_roadmap_totals alone, not from the rows), and the lines' sums only of the
    actions that have a funding line (``Exists``: one look into the lines' index per
    action, where the sums are three subqueries per action). An action without a line
    has nothing funded or secured and its whole cost as its gap, so the gap of all is
    their cost, less the cost of those with lines, plus the gap of those.
    """

    def total(name: str):
        return Coalesce(Sum(name), Value(ZERO), output_field=TOTAL)

    costs = _sums(actions, cost_total=total("budget"))
    with_lines = annotate_funding(
        actions.filter(Exists(FundingLine.objects.filter(action=OuterRef("pk"))))
    )
    lined = _sums(
        with_lines,
        cost_total=total("budget"),
        funded_total=total("funded"),
        secured_total=total("secured"),
        gap_total=total("funding_gap"),
    )
    grouped: dict[tuple, FundingTotals] = {}
    position = _FUNDING_GROUPS.index(by)
    for key, row in costs.items():
        cost = row["cost_total"]
        totals = FundingTotals(currency=row["currency"], cost=cost, gap=cost)
        if key in lined:
            of_lined = lined[key]
            totals.funded = of_lined["funded_total"]
            totals.secured = of_lined["secured_total"]
            totals.gap = cost - of_lined["cost_total"] + of_lined["gap_total"]
        group = (key[position], row["currency"])
        if group in grouped:
            grouped[group].add(totals)
        else:
            grouped[group] = totals
    for (value, _currency), totals in sorted(
        grouped.items(), key=lambda item: (item[0][0] is None, item[0])
    ):
        yield value, totals


def funding_totals(actions: models.QuerySet[Action]) -> RoadmapFunding:
    """Cost, funded, secured and gap of ``actions`` per challenge and in all (two queries)."""
    result = RoadmapFunding()
    for challenge_id, totals in _grouped_funding(actions, "challenge_id"):
        result.by_challenge.setdefault(challenge_id, {})[totals.currency] = totals
        whole = result.total.setdefault(totals.currency, FundingTotals(currency=totals.currency))
        whole.add(totals)
    return result


def funding_per_roadmap(actions: models.QuerySet[Action]) -> dict[int, list[FundingTotals]]:
    """Cost, funded, secured and gap of ``actions`` per roadmap, by currency (two queries)."""
    result: dict[int, list[FundingTotals]] = {}
    for roadmap_id, totals in _grouped_funding(actions, "roadmap_id"):
        result.setdefault(roadmap_id, []).append(totals)
    return result


# --- Pledges and deliveries -------------------------------------------------------------


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


@dataclass
class RoadmapResources:
    """What a set of actions (a roadmap, filtered or not) adds up to: cost, secured
    and gap per challenge and in all, and pledged and delivered per kind."""

    funding: RoadmapFunding
    per_kind: list[KindTotals]

    @classmethod
    def of(cls, actions: models.QuerySet[Action]) -> RoadmapResources:
        """The totals of ``actions`` (all of them, whatever page shows them), in three queries."""
        pledges = Pledge.objects.filter(action__in=actions.order_by().values("pk"))
        return cls(funding=funding_totals(actions), per_kind=pledge_totals(pledges))
