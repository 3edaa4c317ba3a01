"""Small factories for tests: each makes a valid object with sensible defaults."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone

from actions.models import Action, Challenge, Indicator, Roadmap
from core.permissions import forget_access
from meetings.models import Meeting
from stakeholders.models import City, CityAccess, Membership, Organisation, Person

_seq = itertools.count(1)


def city(name: str | None = None, **kwargs) -> City:
    kwargs.setdefault("country", "BG")
    return City.objects.create(name=name or f"City {next(_seq)}", **kwargs)


def organisation(
    city_: City, name: str | None = None, *, member: bool = True, **kwargs
) -> Organisation:
    kwargs.setdefault("kind", Organisation.Kind.COMPANY)
    org = Organisation.objects.create(
        city=city_, name=name or f"Organisation {next(_seq)}", **kwargs
    )
    if member:
        Membership.objects.create(city=city_, organisation=org)
    return org


def person(organisation_: Organisation | None = None, name: str | None = None, **kwargs) -> Person:
    n = next(_seq)
    kwargs.setdefault("email", f"person{n}@example.org")
    kwargs.setdefault("phone", f"+359 2 000 {n:04d}")
    return Person.objects.create(name=name or f"Person {n}", organisation=organisation_, **kwargs)


def user(
    username: str | None = None,
    *,
    role: str | None = None,
    cities=(),
    organisation_=None,
    is_staff: bool | None = None,
    **kwargs,
) -> User:
    """A user in ``role`` (a group name) working for ``cities``, or for ``organisation_``."""
    username = username or f"user{next(_seq)}"
    if is_staff is None:
        is_staff = role in ("editor", "moderator", "network admin")
    account = User.objects.create_user(
        username=username, password="pw", is_staff=is_staff, **kwargs
    )
    if role:
        account.groups.add(Group.objects.get(name=role))
    for c in cities:
        CityAccess.objects.create(user=account, city=c)
    if organisation_ is not None:
        Person.objects.create(name=username, organisation=organisation_, user=account)
    forget_access(account)
    return account


def roadmap(city_: City, **kwargs) -> Roadmap:
    kwargs.setdefault("title", f"Roadmap {next(_seq)}")
    kwargs.setdefault("period_start", datetime.date(2021, 1, 1))
    kwargs.setdefault("period_end", datetime.date(2023, 12, 31))
    return Roadmap.objects.create(city=city_, **kwargs)


def challenge(roadmap_: Roadmap, **kwargs) -> Challenge:
    kwargs.setdefault("strand", Challenge.Strand.SOCIAL)
    kwargs.setdefault("title", f"Challenge {next(_seq)}")
    if "position" not in kwargs:
        kwargs["position"] = roadmap_.challenges.count()
    return Challenge.objects.create(roadmap=roadmap_, **kwargs)


def action(roadmap_: Roadmap, *, key_partners=(), **kwargs) -> Action:
    """An action saved directly (no service); for setting the scene."""
    kwargs.setdefault("title", f"Action {next(_seq)}")
    kwargs.setdefault("activity_type", Action.ActivityType.EVENT)
    if "position" not in kwargs:
        last = roadmap_.actions.order_by("-position").values_list("position", flat=True).first()
        kwargs["position"] = 0 if last is None else last + 1
    row = Action.objects.create(roadmap=roadmap_, **kwargs)
    if key_partners:
        row.key_partners.set(key_partners)
    return row


def school_programme(roadmap_: Roadmap) -> Action:
    """The row the editing tests edit: with a challenge and a lead partner."""
    challenge_ = challenge(roadmap_, title="Inclusion")
    lead = organisation(roadmap_.city, "Sofia Municipality", kind="municipality")
    return action(roadmap_, challenge=challenge_, title="School programme", lead_partner=lead)


def indicator(action_: Action, **kwargs) -> Indicator:
    kwargs.setdefault("name", f"Indicator {next(_seq)}")
    return Indicator.objects.create(action=action_, **kwargs)


def meeting(roadmap_: Roadmap, **kwargs) -> Meeting:
    kwargs.setdefault("title", f"Meeting {next(_seq)}")
    if "number" not in kwargs:
        kwargs["number"] = roadmap_.meetings.count() + 1
    kwargs.setdefault("start", timezone.now() + datetime.timedelta(days=7))
    return Meeting.objects.create(roadmap=roadmap_, **kwargs)


# --- What a form posts --------------------------------------------------------------


def action_form(action: Action, **changes) -> dict:
    """The POST of an Action Table row's form (in place or on its page) for
    ``action`` as the user loaded it, with ``changes``."""
    data = {
        "challenge": action.challenge_id or "",
        "activity_type": action.activity_type,
        "title": action.title,
        "description": action.description,
        "expected_results": action.expected_results,
        "resources": action.resources,
        "budget": "" if action.budget is None else action.budget,
        "currency": action.currency,
        "people_days": "" if action.people_days is None else action.people_days,
        "in_kind": action.in_kind,
        "lead_partner": action.lead_partner_id or "",
        "key_partners": list(action.key_partners.values_list("pk", flat=True)) if action.pk else [],
        "start_date": action.start_date or "",
        "deadline": action.deadline or "",
        "status": action.status,
        "progress": action.progress,
        "version": action.version,
    }
    data.update(changes)
    return data


def action_admin_form(action: Action, **changes) -> dict:
    """The POST of the admin's change form for ``action``: the row's fields and
    empty inlines (indicators, funding lines, pledges)."""
    return action_form(
        action,
        **{
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
            "indicators-MIN_NUM_FORMS": 0,
            "indicators-MAX_NUM_FORMS": 1000,
            # Its resources' inlines (issue 16), empty.
            **{
                f"{prefix}-{name}": value
                for prefix in ("funding_lines", "pledges")
                for name, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
            **changes,
        },
    )


def meeting_admin_form(meeting: Meeting, **changes) -> dict:
    """The POST of the admin's change form for ``meeting``, with empty inlines."""
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end) if meeting.end else None
    data = {
        "roadmap": meeting.roadmap_id,
        "number": meeting.number,
        "title": meeting.title,
        "phase": meeting.phase,
        "status": meeting.status,
        "start_0": start.date().isoformat(),
        "start_1": start.time().strftime("%H:%M:%S"),
        "end_0": end.date().isoformat() if end else "",
        "end_1": end.time().strftime("%H:%M:%S") if end else "",
        "format": meeting.format,
        "place": meeting.place,
        "link": meeting.link,
        "moderator": meeting.moderator_id or "",
        "summary": meeting.summary,
        "reminder_hours": meeting.reminder_hours,
    }
    if meeting.reminder_on:
        data["reminder_on"] = "on"  # a ticked box; an unticked one is not sent
    for prefix in ("agenda_items", "attendances", "contributions", "next_steps"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


# --- The cast of tests/conftest.py, for fixtures of any scope ------------------------
# The function fixtures (sofia, editor, ...) and the worlds that a module builds once
# (tests/security/conftest.py) make the same cities and users through these.


def sofia() -> City:
    return city("Sofia", local_name="София", country="BG", language="bg")


def vratsa() -> City:
    return city("Vratsa", local_name="Враца", country="BG", language="bg")


def sofia_company(sofia_: City) -> Organisation:
    return organisation(sofia_, "Demo Company Ltd")


def editor(sofia_: City) -> User:
    return user("editor", role="editor", cities=[sofia_])


def other_editor(vratsa_: City) -> User:
    return user("editor-vratsa", role="editor", cities=[vratsa_])


def moderator(sofia_: City) -> User:
    return user("moderator", role="moderator", cities=[sofia_])


def partner(company: Organisation) -> User:
    return user("partner", role="partner", organisation_=company)


def network_admin() -> User:
    return user("admin", role="network admin")


def shared_organisation(sofia_: City, vratsa_: City) -> Organisation:
    """Vratsa's organisation that sits in Sofia's working group too (made once)."""
    org = Organisation.objects.filter(city=vratsa_, name="Shared Energy").first()
    if org is None:
        org = organisation(vratsa_, "Shared Energy")
        Membership.objects.create(city=sofia_, organisation=org)
    return org
