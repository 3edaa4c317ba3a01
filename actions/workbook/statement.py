"""A partner's statement: every pledge and delivery of one organisation to a
roadmap's actions in a period, by action and kind, with totals in money and in
hours, in the active language, for its GRI 203-1 / 413-1 and ESRS S3 reporting.

Organisations only, never a person: the statement names no one who pledged or
recorded anything. Written in openpyxl's write-only mode with the workbook's
``Cells``, so that user text never becomes a formula.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from stakeholders.models import Organisation

from ..models import HOURS_PER_DAY, Delivery, Pledge, Roadmap, pledges_with_delivered
from ..models.resources import ZERO
from .cells import Cells, add_styles


@dataclass(frozen=True)
class Period:
    """From and to, both included; None is open."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def q(self, prefix: str = "") -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{prefix}date__gte": self.start})
        if self.end:
            q &= Q(**{f"{prefix}date__lte": self.end})
        return q


@dataclass
class StatementTotals:
    """Pledged and delivered in the period: money per currency, time in hours, pieces."""

    pledged_money: dict[str, Decimal] = field(default_factory=dict)
    delivered_money: dict[str, Decimal] = field(default_factory=dict)
    pledged_hours: Decimal = ZERO
    delivered_hours: Decimal = ZERO
    pledged_pieces: Decimal = ZERO
    delivered_pieces: Decimal = ZERO


def _hours(unit: str, amount: Decimal) -> Decimal:
    return amount * HOURS_PER_DAY if unit == Pledge.Unit.DAYS else amount


def _add(totals: StatementTotals, unit: str, amount: Decimal, *, delivered: bool) -> None:
    if unit in Pledge.MONEY_UNITS:
        money = totals.delivered_money if delivered else totals.pledged_money
        money[unit] = money.get(unit, ZERO) + amount
    elif unit in Pledge.TIME_UNITS:
        if delivered:
            totals.delivered_hours += _hours(unit, amount)
        else:
            totals.pledged_hours += _hours(unit, amount)
    elif delivered:
        totals.delivered_pieces += amount
    else:
        totals.pledged_pieces += amount


def statement_pledges(roadmap: Roadmap, organisation: Organisation) -> QuerySet[Pledge]:
    return Pledge.objects.filter(action__roadmap=roadmap, organisation=organisation)


def statement_totals(pledges: QuerySet[Pledge], period: Period) -> StatementTotals:
    """The totals of the pledges made and the deliveries dated in ``period`` (two
    queries, summed by unit in SQL): the ledger's own sums."""
    totals = StatementTotals()
    made = pledges.filter(period.q()).order_by().values("unit").annotate(total=Sum("amount"))
    for row in made:
        _add(totals, row["unit"], row["total"], delivered=False)
    delivered = (
        Delivery.objects.filter(pledge__in=pledges.values("pk"))
        .filter(period.q())
        .order_by()
        .values("pledge__unit")
        .annotate(total=Sum("amount"))
    )
    for row in delivered:
        _add(totals, row["pledge__unit"], row["total"], delivered=True)
    return totals


def statement_filename(roadmap: Roadmap, organisation: Organisation, period: Period) -> str:
    name = slugify(organisation.name, allow_unicode=True) or f"organisation-{organisation.pk}"
    dates = "-".join(day.isoformat() for day in (period.start, period.end) if day)
    return f"statement-{name}{'-' + dates if dates else ''}.xlsx"


def _widths(ws, widths) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_statement(
    roadmap: Roadmap,
    organisation: Organisation,
    period: Period,
    out: IO[bytes],
    *,
    now: datetime.datetime | None = None,
) -> StatementTotals:
    """Write the statement of ``organisation``'s pledges and deliveries to ``roadmap``
    in ``period`` to ``out``; return its totals."""
    now = timezone.localtime(now)
    pledges = statement_pledges(roadmap, organisation)
    totals = statement_totals(pledges, period)
    wb = Workbook(write_only=True)
    styles = add_styles(wb)
    summary = Cells(wb.create_sheet(_("Statement")), styles)
    pledged = Cells(wb.create_sheet(_("Pledges")), styles)
    delivered = Cells(wb.create_sheet(_("Deliveries")), styles)

    _write_summary(summary, roadmap, organisation, period, totals, now)
    _write_pledges(pledged, pledges.filter(period.q()))
    _write_deliveries(
        delivered,
        Delivery.objects.filter(pledge__in=pledges.values("pk")).filter(period.q()),
    )
    wb.save(out)
    return totals


def _write_summary(cells, roadmap, organisation, period, totals, now) -> None:
    ws = cells.ws
    _widths(ws, (36, 18, 18))
    for label, value in (
        (_("Statement of contributions"), organisation.name),
        (_("Roadmap"), str(roadmap)),
        (_("From"), period.start),
        (_("To"), period.end),
        (_("Generated at"), timezone.make_naive(now)),
    ):
        cell = cells.value(value) if isinstance(value, datetime.date) else cells.text(value or "—")
        ws.append([cells.header(label), cell])
    ws.append([])
    ws.append([cells.header(_("Totals")), cells.header(_("Pledged")), cells.header(_("Delivered"))])
    for currency in sorted(set(totals.pledged_money) | set(totals.delivered_money)):
        ws.append(
            [
                cells.text(_("Money (%(currency)s)") % {"currency": currency}),
                cells.value(totals.pledged_money.get(currency, ZERO)),
                cells.value(totals.delivered_money.get(currency, ZERO)),
            ]
        )
    ws.append(
        [
            cells.text(_("Time (hours; a day counts %(hours)s hours)") % {"hours": HOURS_PER_DAY}),
            cells.value(totals.pledged_hours),
            cells.value(totals.delivered_hours),
        ]
    )
    ws.append(
        [
            cells.text(_("Goods and equipment (pieces)")),
            cells.value(totals.pledged_pieces),
            cells.value(totals.delivered_pieces),
        ]
    )


_ORDER = ("action__challenge__position", "action__position", "kind", "date", "pk")


def _write_pledges(cells, pledges: QuerySet[Pledge]) -> None:
    ws = cells.ws
    _widths(ws, (40, 22, 12, 12, 12, 14, 40))
    ws.freeze_panes = "A2"
    headers = (
        _("Action"),
        _("Kind of contribution"),
        _("Date pledged"),
        _("Pledged"),
        _("Unit"),
        _("Delivered to date"),
        _("Description"),
    )
    ws.append([cells.header(text) for text in headers])
    rows = pledges_with_delivered(pledges).select_related("action").order_by(*_ORDER)
    for pledge in rows.iterator(chunk_size=2000):
        ws.append(
            [
                cells.text(pledge.action.title),
                cells.text(pledge.get_kind_display()),
                cells.value(pledge.date),
                cells.value(pledge.amount),
                cells.text(pledge.get_unit_display()),
                cells.value(pledge.delivered),
                cells.text(pledge.description),
            ]
        )


def _write_deliveries(cells, deliveries: QuerySet[Delivery]) -> None:
    ws = cells.ws
    _widths(ws, (40, 22, 12, 12, 12, 40))
    ws.freeze_panes = "A2"
    headers = (
        _("Action"),
        _("Kind of contribution"),
        _("Date delivered"),
        _("Delivered"),
        _("Unit"),
        _("Note"),
    )
    ws.append([cells.header(text) for text in headers])
    rows = deliveries.select_related("pledge__action").order_by(
        *(f"pledge__{name}" for name in _ORDER[:3]), "date", "pk"
    )
    for delivery in rows.iterator(chunk_size=2000):
        pledge = delivery.pledge
        ws.append(
            [
                cells.text(pledge.action.title),
                cells.text(pledge.get_kind_display()),
                cells.value(delivery.date),
                cells.value(delivery.amount),
                cells.text(pledge.get_unit_display()),
                cells.text(delivery.note),
            ]
        )
