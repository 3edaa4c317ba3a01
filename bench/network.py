"""The synthetic network the benchmark runs on, written with bulk_create.

Ten cities, each with its working group (organisations), a roadmap and four
challenges. Every action has a lead partner, three key partners and two
indicators. The rows are written straight into the tables (no services, no
history): the benchmark times reading and importing them, not making them.
Values come from a seeded generator, so that every run sees the same data.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import connection

from actions.models import Action, Challenge, Indicator, Roadmap
from core.permissions import EDITOR, NETWORK_ADMIN
from stakeholders.models import City, CityAccess, Membership, Organisation

CITIES = 10
ORGANISATIONS_PER_CITY = 30
CHALLENGES_PER_ROADMAP = 4
KEY_PARTNERS = 3
INDICATORS = 2
# The small roadmaps of the other seven cities: the network is not three roadmaps.
OTHER_ROADMAP_ACTIONS = 10
BATCH = 2000

WORDS = [
    "school",
    "energy",
    "volunteers",
    "park",
    "inclusion",
    "youth",
    "training",
    "recycling",
    "mentoring",
    "employment",
    "forum",
    "bicycle",
    "green",
    "roofs",
    "water",
    "literacy",
    "elderly",
    "digital",
    "skills",
    "procurement",
    "reporting",
    "award",
    "campaign",
    "tree",
    "planting",
    "donation",
    "scheme",
    "ethics",
]


@dataclass
class Network:
    admin: User
    big: Roadmap
    table: Roadmap
    table_small: Roadmap
    cities: list[City]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def build(*, size: int, table_rows: int, table_rows_small: int) -> Network:
    """The network: the big roadmap holds ``size`` actions, two others the table's sizes."""
    rng = random.Random(7)
    cities = City.objects.bulk_create(
        City(name=f"City {n:02d}", country="BG", language="en") for n in range(1, CITIES + 1)
    )
    organisations = {city.pk: _organisations(city, rng) for city in cities}
    roadmaps = [_roadmap(city, rng) for city in cities]
    sizes = [size, table_rows, table_rows_small] + [OTHER_ROADMAP_ACTIONS] * (CITIES - 3)
    for roadmap, count in zip(roadmaps, sizes, strict=True):
        add_actions(roadmap, count, organisations[roadmap.city_id], rng)

    admin = User.objects.create_user("bench-admin", password=None, is_staff=True)
    admin.groups.add(Group.objects.get(name=NETWORK_ADMIN))
    analyze()
    return Network(
        admin=admin, big=roadmaps[0], table=roadmaps[1], table_small=roadmaps[2], cities=cities
    )


def analyze() -> None:
    """After a bulk load, on PostgreSQL: VACUUM ANALYZE, as autovacuum would soon do on a
    server. Without it the planner has no statistics of the new rows, and the trigram
    indexes' rows wait in their pending list, so that the search reads every row
    (migration 0007); the pages would be measured with plans no server keeps."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _organisations(city: City, rng: random.Random) -> list[Organisation]:
    """The city's working group: organisations of the city, each a member."""
    organisations = Organisation.objects.bulk_create(
        Organisation(
            city=city,
            name=f"{city.name} organisation {n:02d}",
            kind=rng.choice(Organisation.Kind.values),
            sector=_words(rng, 2),
        )
        for n in range(1, ORGANISATIONS_PER_CITY + 1)
    )
    Membership.objects.bulk_create(Membership(city=city, organisation=org) for org in organisations)
    return organisations


def _roadmap(city: City, rng: random.Random) -> Roadmap:
    roadmap = Roadmap.objects.create(
        city=city,
        title=f"{city.name} CSR roadmap",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    _challenges(roadmap, rng)
    return roadmap


def add_city(*, actions: int, name: str) -> tuple[Roadmap, User]:
    """Another city with its working group and one roadmap of ``actions`` actions, and
    an editor of it (whose dashboard is that city's): the scale cases' sizes."""
    rng = random.Random(13)
    city = City.objects.create(name=name, country="BG", language="en")
    organisations = _organisations(city, rng)
    roadmap = _roadmap(city, rng)
    add_actions(roadmap, actions, organisations, rng)
    editor = User.objects.create_user(f"bench-editor-{city.pk}", password=None, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    CityAccess.objects.create(user=editor, city=city)
    return roadmap, editor


def add_roadmap(network: Network, *, actions: int, title: str) -> Roadmap:
    """Another roadmap in the first city, for the memory case's larger workbook."""
    city = network.cities[0]
    roadmap = Roadmap.objects.create(city=city, title=title)
    rng = random.Random(11)
    _challenges(roadmap, rng)
    add_actions(roadmap, actions, list(Organisation.objects.filter(city=city)), rng)
    return roadmap


def _challenges(roadmap: Roadmap, rng: random.Random) -> None:
    Challenge.objects.bulk_create(
        Challenge(
            roadmap=roadmap,
            position=n,
            strand=Challenge.Strand.values[n % 3],
            # Unique across the network, so a name-matching importer finds one.
            title=f"{roadmap.title}: challenge {n + 1} ({_words(rng, 3)})",
        )
        for n in range(CHALLENGES_PER_ROADMAP)
    )


def add_actions(
    roadmap: Roadmap, count: int, organisations: list[Organisation], rng: random.Random
) -> None:
    """``count`` actions in ``roadmap``, written in batches so that memory stays flat."""
    challenges = [*roadmap.challenges.order_by("position"), None]
    for first in range(0, count, BATCH):
        batch = [
            _action(roadmap, position, challenges, organisations, rng)
            for position in range(first, min(first + BATCH, count))
        ]
        Action.objects.bulk_create(batch)
        if any(action.pk is None for action in batch):
            # A database that returns no ids from a bulk insert: read them back.
            ids = dict(roadmap.actions.filter(position__gte=first).values_list("position", "pk"))
            for action in batch:
                action.pk = ids[action.position]
        links = []
        indicators = []
        for action in batch:
            partners = rng.sample(
                [o for o in organisations if o.pk != action.lead_partner_id], KEY_PARTNERS
            )
            links.extend(
                Action.key_partners.through(action_id=action.pk, organisation_id=o.pk)
                for o in partners
            )
            indicators.extend(
                Indicator(
                    action=action,
                    position=n,
                    name=f"{_words(rng, 2)} reached",
                    unit=rng.choice(("people", "events", "%", "EUR", "")),
                    baseline=Decimal(rng.randint(0, 50)),
                    target=Decimal(rng.randint(60, 500)),
                    current=Decimal(rng.randint(0, 80)) if rng.random() < 0.5 else None,
                    source=_words(rng, 2),
                )
                for n in range(INDICATORS)
            )
        Action.key_partners.through.objects.bulk_create(links)
        Indicator.objects.bulk_create(indicators)


def _action(roadmap, position, challenges, organisations, rng) -> Action:
    start = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
    return Action(
        roadmap=roadmap,
        challenge=challenges[position % len(challenges)],
        position=position,
        activity_type=rng.choice(Action.ActivityType.values),
        title=f"Action {position + 1}: {_words(rng, 5)}",
        description=f"{_words(rng, 20)}\n{_words(rng, 12)}",
        expected_results=f"{_words(rng, 12)}\n{_words(rng, 8)}",
        resources=_words(rng, 8),
        budget=Decimal(rng.randint(0, 50_000)) if rng.random() < 0.8 else None,
        currency=rng.choice(Action.Currency.values),
        people_days=Decimal(rng.randint(1, 60)) if rng.random() < 0.6 else None,
        in_kind=_words(rng, 4) if rng.random() < 0.3 else "",
        lead_partner=rng.choice(organisations),
        start_date=start,
        deadline=start + datetime.timedelta(days=rng.randint(30, 400)),
        status=rng.choice(Action.Status.values),
        progress=rng.randint(0, 100),
    )
