"""The workbook's resources: the Overview's totals (cost, secured and gap per
challenge and for the whole roadmap, pledged and delivered per kind), the Funding
sheet (one row per funding line), the Pledges sheet (one row per pledge, with what
was delivered to date) and the Partners sheet's sums of what each organisation
pledged and delivered.

The totals are the models' (``actions.models.resource_totals``); each sheet reads
its rows in one streamed query. Organisations only, never a person. Every sheet
ends with the line's ID and version, so that it can come back in.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import (
    Action,
    Delivery,
    FundingLine,
    Pledge,
    RoadmapResources,
    pledges_with_delivered,
)
from ..models.resources import ZERO
from .cells import Cells
from .labels import label

CHUNK_SIZE = 2000

# The Funding sheet's columns, in order: (key, width).
FUNDING_COLUMNS: tuple[tuple[str, int], ...] = (
    ("title", 36),
    ("action_id", 10),
    ("funder", 28),
    ("funder_programme", 28),
    ("amount", 14),
    ("currency", 10),
    ("funding_status", 14),
    ("note", 40),
    ("id", 8),
    ("version", 9),
)
# The Pledges sheet's columns; "delivered" is the ledger's sum, read only.
PLEDGE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("title", 36),
    ("action_id", 10),
    ("organisation", 28),
    ("pledge_kind", 22),
    ("amount", 14),
    ("unit", 10),
    ("date_pledged", 12),
    ("description", 40),
    ("delivered", 14),
    ("id", 8),
    ("version", 9),
)
# Funding lines and pledges in the order of the Action Table.
_ORDER = ("action__challenge__position", "action__position", "action_id")


def _of(model, actions: QuerySet):
    return model.objects.filter(action__in=actions.order_by().values("pk"))


def write_overview_totals(cells: Cells, actions: QuerySet, challenges: dict[int, str]) -> None:
    """Append to the Overview what ``actions`` cost and what is secured and pledged."""
    totals = RoadmapResources.of(actions)
    cells.append([])
    cells.append(
        [
            cells.header(label("funding_per_challenge")),
            *(cells.header(label(key)) for key in ("currency", "cost", "funded", "secured", "gap")),
        ]
    )

    def money_row(title: str, line) -> list:
        return [
            cells.text(title),
            cells.text(line.currency),
            *(cells.value(value) for value in (line.cost, line.funded, line.secured, line.gap)),
        ]

    by_challenge = totals.funding.by_challenge
    for pk, title in (*challenges.items(), (None, label("no_challenge"))):
        for currency in sorted(by_challenge.get(pk, {})):
            cells.append(money_row(title, by_challenge[pk][currency]))
    for line in totals.funding.total_list:
        cells.append(money_row(label("whole_roadmap"), line))
    cells.append([])
    cells.append(
        [
            cells.header(label("pledges_per_kind")),
            *(cells.header(label(key)) for key in ("unit", "pledged", "delivered")),
        ]
    )
    for row in totals.per_kind:
        cells.append(
            [
                cells.text(row.kind_label),
                cells.text(row.unit_label),
                cells.value(row.pledged),
                cells.value(row.delivered),
            ]
        )


def _choice_labels(choices) -> dict[str, str]:
    return {value: str(text) for value, text in choices}


# Excel holds a list typed into a validation in at most this many characters.
MAX_INLINE_LIST = 255


def _dropdown(cells: Cells, columns, key: str, choices) -> None:
    """Offer ``choices`` (their labels) in column ``key``, as the Action Table's status.

    The list is written into the validation itself, as Excel allows for a short
    one, so that the Lists sheet keeps its columns; one too long, or a label
    holding the list's separator, is offered no list (any value is still read)."""
    labels = [str(text) for _value, text in choices]
    inline = ",".join(labels)
    if len(inline) + 2 > MAX_INLINE_LIST or any(("," in t or '"' in t) for t in labels):
        return
    letter = get_column_letter([k for k, _width in columns].index(key) + 1)
    validation = DataValidation(
        type="list", formula1=f'"{inline}"', allow_blank=True, showErrorMessage=True
    )
    validation.add(f"{letter}2:{letter}1048576")
    cells.ws.data_validations.append(validation)


def write_funding(cells: Cells, actions: QuerySet) -> None:
    """One row per funding line of ``actions``."""
    cells.set_widths([width for _key, width in FUNDING_COLUMNS])
    cells.ws.freeze_panes = "A2"
    _dropdown(cells, FUNDING_COLUMNS, "funding_status", FundingLine.Status.choices)
    # Currencies by their codes, as the cells hold them (and the Action Table's list).
    _dropdown(cells, FUNDING_COLUMNS, "currency", [(c, c) for c in Action.Currency.values])
    cells.append([cells.header(label(key)) for key, _width in FUNDING_COLUMNS])
    statuses = _choice_labels(FundingLine.Status.choices)
    rows = (
        _of(FundingLine, actions)
        .order_by(*_ORDER, "pk")
        .values_list(
            "action__title",
            "action_id",
            "funder__name",
            "programme",
            "amount",
            "currency",
            "status",
            "note",
            "pk",
            "version",
        )
    )
    count = 0
    for (
        title,
        action_id,
        funder,
        programme,
        amount,
        currency,
        status,
        note,
        pk,
        version,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        cells.append(
            [
                cells.text(title),
                cells.value(action_id),
                cells.text(funder or ""),
                cells.text(programme),
                cells.value(amount),
                cells.text(currency),
                cells.text(statuses.get(status, status)),
                cells.text(note),
                cells.value(pk),
                cells.value(version),
            ]
        )
        count += 1
    _autofilter(cells, len(FUNDING_COLUMNS), count)


def write_pledges(cells: Cells, actions: QuerySet) -> None:
    """One row per pledge of ``actions``, with what was delivered of it to date."""
    cells.set_widths([width for _key, width in PLEDGE_COLUMNS])
    cells.ws.freeze_panes = "A2"
    _dropdown(cells, PLEDGE_COLUMNS, "pledge_kind", Pledge.Kind.choices)
    _dropdown(cells, PLEDGE_COLUMNS, "unit", Pledge.Unit.choices)
    cells.append([cells.header(label(key)) for key, _width in PLEDGE_COLUMNS])
    kinds = _choice_labels(Pledge.Kind.choices)
    units = _choice_labels(Pledge.Unit.choices)
    rows = (
        pledges_with_delivered(_of(Pledge, actions))
        .order_by(*_ORDER, "date", "pk")
        .values_list(
            "action__title",
            "action_id",
            "organisation__name",
            "kind",
            "amount",
            "unit",
            "date",
            "description",
            "delivered",
            "pk",
            "version",
        )
    )
    count = 0
    for (
        title,
        action_id,
        organisation,
        kind,
        amount,
        unit,
        date,
        description,
        delivered,
        *ids,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        cells.append(
            [
                cells.text(title),
                cells.value(action_id),
                cells.text(organisation),
                cells.text(kinds.get(kind, kind)),
                cells.value(amount),
                cells.text(units.get(unit, unit)),
                cells.value(date),
                cells.text(description),
                cells.value(delivered),
                *(cells.value(value) for value in ids),
            ]
        )
        count += 1
    _autofilter(cells, len(PLEDGE_COLUMNS), count)


def _autofilter(cells: Cells, columns: int, rows: int) -> None:
    cells.ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


class PartnerSums:
    """What each organisation pledged to ``actions`` and delivered, per unit (two
    queries), as the Partners sheet's last columns: a pair of columns (pledged,
    delivered) per unit that any pledge is counted in."""

    def __init__(self, actions: QuerySet):
        self.pledged: dict[int, dict[str, Decimal]] = defaultdict(dict)
        self.delivered: dict[int, dict[str, Decimal]] = defaultdict(dict)
        pledges = _of(Pledge, actions)
        for organisation_id, unit, total in (
            pledges.order_by()
            .values_list("organisation_id", "unit")
            .annotate(total=Sum("amount"))
            .values_list("organisation_id", "unit", "total")
        ):
            self.pledged[organisation_id][unit] = total
        for organisation_id, unit, total in (
            Delivery.objects.filter(pledge__in=pledges.values("pk"))
            .order_by()
            .values_list("pledge__organisation_id", "pledge__unit")
            .annotate(total=Sum("amount"))
            .values_list("pledge__organisation_id", "pledge__unit", "total")
        ):
            self.delivered[organisation_id][unit] = total
        present = {unit for sums in self.pledged.values() for unit in sums}
        self.units = [unit for unit in Pledge.Unit.values if unit in present]

    @property
    def organisation_ids(self) -> set[int]:
        return set(self.pledged)

    def headers(self) -> list[str]:
        headers = []
        for unit in self.units:
            name = str(Pledge.Unit(unit).label)
            headers.append(_("Pledged (%(unit)s)") % {"unit": name})
            headers.append(_("Delivered (%(unit)s)") % {"unit": name})
        return headers

    def values(self, organisation_id: int) -> list[Decimal | None]:
        pledged = self.pledged.get(organisation_id, {})
        delivered = self.delivered.get(organisation_id, {})
        values: list[Decimal | None] = []
        for unit in self.units:
            values.append(pledged.get(unit))
            values.append(delivered.get(unit, ZERO) if unit in pledged else None)
        return values
