"""Loading the demo data, idempotently.

Every row is found by a natural key (a name, a title, a number, a position)
and saved only when it differs from the data, so a second run writes nothing,
adds no history and bumps no version.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.utils import timezone

from actions import services
from actions.models import Action, Challenge, Indicator, Roadmap
from core import permissions
from meetings.models import AgendaItem, Attendance, Contribution, Meeting, NextStep
from stakeholders.models import City, CityAccess, Membership, Organisation, Person

from .data import (
    _CONSENT_AT,
    CITIES,
    DEMO_PASSWORD,
    DEMO_USERS,
    HISTORY_REASON,
    ORGANISATIONS,
    PEOPLE,
    PERSON_MEMBERSHIPS,
    SHARED_MEMBERSHIPS,
    _d,
)
from .meetings import load_meetings
from .resources import load_resources
from .roadmaps import SOFIA_ROADMAP, VRATSA_ROADMAP, RoadmapData, sofia_actions, vratsa_actions

# --- Loading ---------------------------------------------------------------------

# What the summary counts, in this order.
SUMMARY_MODELS = [
    City, Organisation, Person, Membership, Roadmap, Challenge, Action, Indicator,
    Meeting, AgendaItem, Attendance, Contribution, NextStep, User,
]  # fmt: skip


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    totals: dict[type[models.Model], int] = field(default_factory=dict)
    users_created: bool = False
    # Demo users left by an earlier run with DEBUG on, while DEBUG is now off.
    leftover_usernames: list[str] = field(default_factory=list)


def load(*, today: datetime.date | None = None) -> LoadResult:
    """Load or refresh the demo data; demo users (password ``demo``) only when DEBUG is on."""
    loader = _Loader(today or timezone.localdate(), create_users=settings.DEBUG)
    with transaction.atomic():
        loader.run()
    result = loader.result
    result.totals = {model: model.objects.count() for model in SUMMARY_MODELS}
    return result


def _differing_fields(obj: models.Model, values: dict) -> list[str]:
    differing = []
    for name, value in values.items():
        current = getattr(obj, obj._meta.get_field(name).attname)
        wanted = value.pk if isinstance(value, models.Model) else value
        if current != wanted:
            differing.append(name)
    return differing


class _Loader:
    def __init__(self, today: datetime.date, *, create_users: bool):
        self.today = today
        self.create_users = create_users
        self.result = LoadResult(users_created=create_users)
        self.cities: dict[str, City] = {}
        self.orgs: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.actor: User | None = None

    def sync(self, model: type[models.Model], lookup: dict, values: dict):
        """Find the row by its natural key; create it, or save it only if it differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            counter = self.result.created
        else:
            differing = _differing_fields(obj, values)
            if not differing:
                return obj
            for name in differing:
                setattr(obj, name, values[name])
            counter = self.result.changed
        # SQLite does not enforce lengths or choices; the demo data must still be valid.
        obj.full_clean()
        obj.save()
        counter[model] += 1
        return obj

    def run(self) -> None:
        self.load_network()
        if self.create_users:
            self.load_users()
        else:
            self.result.leftover_usernames = list(
                User.objects.filter(username__in=[u.username for u in DEMO_USERS])
                .order_by("username")
                .values_list("username", flat=True)
            )
        sofia = self.load_roadmap(SOFIA_ROADMAP, sofia_actions(self.today))
        self.load_roadmap(VRATSA_ROADMAP, vratsa_actions(self.today))
        load_meetings(self, sofia)
        load_resources(self, sofia)

    def load_network(self) -> None:
        for name, name_bg, local_name, country, is_lead, language in CITIES:
            self.cities[name] = self.sync(
                City,
                {"name": name},
                {
                    "name_bg": name_bg,
                    "local_name": local_name,
                    "country": country,
                    "is_lead_partner": is_lead,
                    "language": language,
                },
            )
        for key, (city, name, kind, sector, website, notes, role, since) in ORGANISATIONS.items():
            org = self.sync(
                Organisation,
                {"city": self.cities[city], "name": name},
                {"kind": kind, "sector": sector, "website": website, "notes": notes},
            )
            self.orgs[key] = org
            self.sync(
                Membership,
                {"city": org.city, "organisation": org, "person": None},
                {"role": role, "since": since},
            )
        for key, city, role, since in SHARED_MEMBERSHIPS:
            self.sync(
                Membership,
                {"city": self.cities[city], "organisation": self.orgs[key], "person": None},
                {"role": role, "since": since},
            )
        for key, (org, name, position, email, phone, consents) in PEOPLE.items():
            self.people[key] = self.sync(
                Person,
                {"organisation": self.orgs[org], "name": name},
                {
                    "position": position,
                    "email": email,
                    "phone": phone,
                    "consent_to_contact": consents,
                    "consent_recorded_at": _CONSENT_AT if consents else None,
                },
            )
        for key, role in PERSON_MEMBERSHIPS:
            person = self.people[key]
            self.sync(
                Membership,
                {"city": person.organisation.city, "person": person},
                {"role": role, "since": _d(2021, 1, 1)},
            )

    def load_users(self) -> None:
        for spec in DEMO_USERS:
            person = self.people[spec.person] if spec.person else None
            first, _space, last = person.name.partition(" ") if person else ("", "", "")
            values = {
                "email": f"{spec.username}@example.org",
                "first_name": first,
                "last_name": last,
                "is_active": True,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            }
            user = User.objects.filter(username=spec.username).first()
            created = user is None
            if created:
                user = User(username=spec.username, **values)
                touched = list(values)
            else:
                touched = _differing_fields(user, values)
                for name in touched:
                    setattr(user, name, values[name])
            # Hashing is slow and salted: only when the password is not already "demo".
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                touched.append("password")
            if touched:
                user.save()
            group = Group.objects.get(name=spec.role)
            if list(user.groups.values_list("pk", flat=True)) != [group.pk]:
                user.groups.set([group])
                touched.append("groups")
            wanted_cities = {self.cities[name].pk for name in spec.cities}
            removed, _detail = (
                CityAccess.objects.filter(user=user).exclude(city_id__in=wanted_cities).delete()
            )
            if removed:
                touched.append("cities")
            for city_id in wanted_cities:
                if CityAccess.objects.get_or_create(user=user, city_id=city_id)[1]:
                    touched.append("cities")
            if person is not None and person.user_id != user.pk:
                Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
                person.user = user
                person.save(update_fields=["user"])
                touched.append("person")
            if created:
                self.result.created[User] += 1
            elif touched:
                self.result.changed[User] += 1
            permissions.forget_access(user)
            if spec.is_superuser:
                self.actor = user

    def load_roadmap(self, spec: RoadmapData, rows: list[dict]) -> Roadmap:
        roadmap = self.sync(
            Roadmap,
            {"city": self.cities[spec.city], "title": spec.title},
            {
                "period_start": spec.period[0],
                "period_end": spec.period[1],
                "status": Roadmap.Status.DRAFT,
                "visibility": spec.visibility,
                "main_challenges": spec.main_challenges,
            },
        )
        challenges = {}
        for position, (key, strand, title, description) in enumerate(spec.challenges):
            challenges[key] = self.sync(
                Challenge,
                {"roadmap": roadmap, "title": title},
                {"position": position, "strand": strand, "description": description},
            )
        for row in rows:
            data = {
                **{k: v for k, v in row.items() if k != "indicators"},
                "challenge": challenges[row["challenge"]],
                "lead_partner": self.orgs[row["lead_partner"]] if row["lead_partner"] else None,
                "key_partners": [self.orgs[key] for key in row["key_partners"]],
            }
            action = self.write_action(roadmap, data)
            for position, indicator in enumerate(row["indicators"]):
                self.sync(
                    Indicator,
                    {"action": action, "name": indicator["name"]},
                    {"position": position, **{k: v for k, v in indicator.items() if k != "name"}},
                )
        return roadmap

    def write_action(self, roadmap: Roadmap, data: dict) -> Action:
        """Create or change one Action Table row through the services.

        The history names the demo ``admin`` when there is one; with DEBUG off
        there is none, and the loader writes as the services' SYSTEM actor.
        """
        actor = self.actor or services.SYSTEM
        action = Action.objects.filter(roadmap=roadmap, title=data["title"]).first()
        if action is None:
            action = services.action_create(
                roadmap=roadmap, data=data, by=actor, reason=HISTORY_REASON
            )
            self.result.created[Action] += 1
            return action
        saved = services.action_update(
            action=action,
            data=data,
            by=actor,
            expected_version=action.version,
            reason=HISTORY_REASON,
        )
        if saved.version != action.version:
            self.result.changed[Action] += 1
        return saved
