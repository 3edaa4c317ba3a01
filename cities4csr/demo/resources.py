"""The resources of a few of Sofia's actions in the demo (issue 16): funding
lines, pledges and deliveries, and their loading through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from actions import services
from actions.models import Delivery, FundingLine, Pledge, Roadmap

from .data import HISTORY_REASON, _d

if TYPE_CHECKING:
    from .loader import _Loader


# By the action's title. A funder is an organisation's key or a programme's name;
# each pledge: (organisation, kind, amount, unit, description, date, deliveries),
# each delivery: (date, amount, note). Amounts are in the action's currency.

SOFIA_RESOURCES: dict[str, dict] = {
    "Годишни награди на Столична община за КСО": {
        "funding": [
            ("Бюджет на Столична община", 10000, "received", "Дейност „Икономика и търговия“."),
            ("bank", 5000, "secured", "Спонсорство на наградния фонд."),
        ],
        "pledges": [
            ("bcci", "premises", 1, "days", "Зала за церемонията.", _d(2022, 3, 1),
             [(_d(2022, 11, 24), 1, "Церемонията по награждаване.")]),
            ("denkstatt", "pro_bono", 6, "days", "Методика и работа в журито.", _d(2022, 3, 1),
             [(_d(2022, 6, 30), 4, "Методика."), (_d(2022, 10, 31), 2, "Журиране.")]),
        ],
    },
    "Платформа за корпоративно доброволчество": {
        "funding": [
            ("Бюджет на Столична община", 6000, "secured", ""),
            ("software", 4000, "requested", "Предложение за съфинансиране на разработката."),
        ],
        "pledges": [
            ("software", "pro_bono", 20, "days", "Разработка и поддръжка на платформата.",
             _d(2022, 5, 15), [(_d(2022, 9, 30), 8, "Първа версия.")]),
            ("volunteers", "volunteer_hours", 240, "hours", "Координация на доброволците.",
             _d(2022, 5, 15), [(_d(2022, 12, 15), 120, "")]),
        ],
    },
    "„Осинови зелено място“: засаждане на дървета с фирмите в районите": {
        "funding": [
            ("Програма „Околна среда“ 2021–2027", 10000, "requested", ""),
            ("builder", 3000, "planned", ""),
        ],
        "pledges": [
            ("builder", "cash", 5000, "EUR", "Фиданки и поливни системи.", _d(2023, 2, 1),
             [(_d(2023, 4, 1), 2000, "Първа вноска."), (_d(2023, 10, 1), 1500, "")]),
            ("logistics", "in_kind", 12, "pieces", "Курсове на камион за фиданките.",
             _d(2023, 2, 1), [(_d(2023, 4, 1), 14, "Два курса повече от обещаното.")]),
        ],
    },
}  # fmt: skip


def load_resources(loader: _Loader, roadmap: Roadmap) -> None:
    """Funding lines, pledges and deliveries of a few of Sofia's actions, through
    the services (issue 16). Found by funder, by organisation and kind, and by
    date and amount, so that a second run writes nothing."""
    actor = loader.actor or services.SYSTEM
    actions = {action.title: action for action in roadmap.actions.all()}
    for title, spec in SOFIA_RESOURCES.items():
        action = actions[title]
        for funder, amount, status, note in spec["funding"]:
            organisation = loader.orgs.get(funder)
            data = {
                "funder": organisation,
                "programme": "" if organisation else funder,
                "amount": Decimal(amount),
                "currency": action.currency,
                "status": status,
                "note": note,
            }
            line = FundingLine.objects.filter(
                action=action, funder=organisation, programme=data["programme"]
            ).first()
            if line is None:
                services.funding_line_create(
                    action=action, data=data, by=actor, reason=HISTORY_REASON
                )
                loader.result.created[FundingLine] += 1
                continue
            saved = services.funding_line_update(
                funding_line=line,
                data=data,
                by=actor,
                expected_version=line.version,
                reason=HISTORY_REASON,
            )
            loader.result.changed[FundingLine] += saved.version != line.version
        for key, kind, amount, unit, description, date, deliveries in spec["pledges"]:
            data = {
                "organisation": loader.orgs[key],
                "kind": kind,
                "amount": Decimal(amount),
                "unit": unit,
                "description": description,
                "date": date,
            }
            pledge = Pledge.objects.filter(
                action=action, organisation=loader.orgs[key], kind=kind
            ).first()
            if pledge is None:
                pledge = services.pledge_create(
                    action=action, data=data, by=actor, reason=HISTORY_REASON
                )
                loader.result.created[Pledge] += 1
            else:
                saved = services.pledge_update(
                    pledge=pledge,
                    data=data,
                    by=actor,
                    expected_version=pledge.version,
                    reason=HISTORY_REASON,
                )
                loader.result.changed[Pledge] += saved.version != pledge.version
            for day, delivered, note in deliveries:
                if pledge.deliveries.filter(date=day, amount=Decimal(delivered)).exists():
                    continue
                services.delivery_record(
                    pledge=pledge,
                    data={"amount": Decimal(delivered), "date": day, "note": note},
                    by=actor,
                )
                loader.result.created[Delivery] += 1
