"""Every URL of the site, how to build it, and who may do what with it.

The permission matrix and the CSRF test walk the URLconf as it is at run time;
a URL pattern that has no entry here fails both, naming itself, so that a new
page cannot ship without someone deciding who may open it.

Who a user is to an object is one of the *relations* below: the matrix asks
each role about the objects of Sofia ("own": the city of the fixtures' editor,
moderator and partner) and of Vratsa ("other"), and ``relation()`` says what
each role is to that city.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from actions.models import Action, Challenge, Delivery, Indicator, Pledge, Roadmap
from jobs.models import Job
from meetings.models import Contribution, Meeting, NextStep
from outbox.models import Kind
from outbox.services import unsubscribe_token
from stakeholders.models import Organisation, Person
from tests import factories

# "shared_partner": a partner of Vratsa's organisation that sits in Sofia's working
# group too, through a membership Sofia's staff made (issue 14).
ROLES = (
    "anonymous",
    "partner",
    "shared_partner",
    "editor",
    "other_editor",
    "moderator",
    "network_admin",
)
SIDES = ("own", "other")

# What a role is to a city's objects.
ANON, OUTSIDER, PARTNER, EDITOR, MODERATOR, ADMIN = (
    "anonymous",
    "outsider",  # signed in, but works for another city (or none)
    "partner",  # its organisation is in the city's working group
    "editor",
    "moderator",
    "network admin",
)
RELATIONS = (ANON, OUTSIDER, PARTNER, EDITOR, MODERATOR, ADMIN)
STAFF = (EDITOR, MODERATOR, ADMIN)

# Skipped here: the admin has a matrix of its own, generated from the admin site
# (adminmatrix.py, test_admin_permission_matrix.py); set_language is Django's, for anybody.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}
# Pages whose URL carries a signed token that is the whole authority: they answer
# whoever has the link and show nothing of the city (the unsubscribe page names
# only the kind of mail).
OPEN_TO_WHOEVER_HOLDS_THE_LINK = {"outbox:unsubscribe"}


def relation(role: str, side: str) -> str:
    if role == "anonymous":
        return ANON
    if role == "network_admin":
        return ADMIN
    own_city = {
        "partner": PARTNER,
        # Sofia's membership of their organisation lets them read Sofia's shared
        # roadmap; Vratsa's, their organisation's own city's, is private.
        "shared_partner": PARTNER,
        "editor": EDITOR,
        "moderator": MODERATOR,
    }
    if side == "own":
        return own_city.get(role, OUTSIDER)
    return EDITOR if role == "other_editor" else OUTSIDER


# --- The URLconf ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str
    has_kwargs: bool


def url_patterns(resolver=None, namespace: str = "", prefix: str = "") -> Iterator[Route]:
    """Every URL pattern, recursively, with its full name and route."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{ns}:" if ns else namespace
            yield from url_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            if pattern.name in SKIPPED_NAMES:
                continue
            name = f"{namespace}{pattern.name}" if pattern.name else route
            yield Route(name, route, bool(pattern.pattern.regex.groupindex))


# --- The objects each side has ------------------------------------------------------


@dataclass
class Side:
    """One city's objects, as the matrix uses them."""

    city: object
    roadmap: Roadmap
    challenge: Challenge
    lead: Organisation
    key_partner: Organisation
    action: Action
    indicator: Indicator
    meeting: Meeting
    person: Person
    # A pledge nothing was delivered of (it may be removed), and a line of
    # another pledge's ledger.
    pledge: Pledge
    delivery: Delivery
    job: Job | None = None  # the city's editor's finished export (build_world)


@dataclass
class World:
    own: Side
    other: Side
    # Vratsa's organisation in Sofia's working group too, and a person of it:
    # Vratsa's, read-only to Sofia's staff (issue 14).
    shared: Organisation
    shared_person: Person
    users: dict = field(default_factory=dict)

    def side(self, name: str) -> Side:
        return self.own if name == "own" else self.other


def _side(city, visibility: str) -> Side:
    roadmap = factories.roadmap(city, visibility=visibility)
    challenge = factories.challenge(roadmap)
    lead = factories.organisation(city, f"{city.name} Municipality", kind="municipality")
    key_partner = factories.organisation(city, f"{city.name} Chamber", kind="chamber")
    action = factories.action(
        roadmap,
        challenge=challenge,
        lead_partner=lead,
        key_partners=[key_partner],
        deadline=datetime.date(2030, 6, 30),
    )
    indicator = factories.indicator(action, name="Schools reached", target=10)
    meeting = factories.meeting(roadmap)
    person = factories.person(key_partner, name=f"Person of {city.name}")
    Contribution.objects.create(
        meeting=meeting, position=0, author=person, text="A proposal", action=action
    )
    NextStep.objects.create(meeting=meeting, position=0, description="Send the minutes")
    pledge = Pledge.objects.create(
        action=action, organisation=key_partner, kind="cash", amount=100, unit="EUR"
    )
    delivered = Pledge.objects.create(
        action=action, organisation=lead, kind="volunteer_hours", amount=40, unit="hours"
    )
    delivery = Delivery.objects.create(pledge=delivered, amount=8)
    return Side(
        city,
        roadmap,
        challenge,
        lead,
        key_partner,
        action,
        indicator,
        meeting,
        person,
        pledge,
        delivery,
    )


def build_world(*, sofia, vratsa, users: dict) -> World:
    # Sofia's roadmap is shared with its partners; Vratsa's is private.
    own = _side(sofia, Roadmap.Visibility.PARTNERS)
    other = _side(vratsa, Roadmap.Visibility.PRIVATE)
    # After Vratsa's own rows, which come first among Vratsa's (test_admin_actions).
    shared = factories.shared_organisation(sofia, vratsa)
    # A job is its owner's only: Sofia's editor's and Vratsa's editor's exports.
    for side, role in ((own, "editor"), (other, "other_editor")):
        owner = users.get(role) or factories.user(f"job-owner-{side.city.name}")
        side.job = Job.objects.create(
            owner=owner,
            kind=Job.Kind.EXPORT,
            title=f"Workbook of {side.roadmap.title}",
            params={"roadmap": side.roadmap.pk, "query": "", "lang": "en"},
            language="en",
            state=Job.State.DONE,
            result_name="roadmap.xlsx",
            result_type="application/octet-stream",
            result_file=b"PK",
        )
    return World(
        own=own,
        other=other,
        shared=shared,
        shared_person=factories.person(shared, name="Person of the shared organisation"),
        users=users,
    )


# --- How to build each URL, and what a valid POST to it holds ------------------------

URL_KWARGS: dict[str, Callable[[Side], dict]] = {
    "dashboard": lambda s: {},
    "favicon": lambda s: {},
    "login": lambda s: {},
    "logout": lambda s: {},
    "actions:roadmap_list": lambda s: {},
    "actions:roadmap": lambda s: {"pk": s.roadmap.pk},
    "actions:timeline": lambda s: {"pk": s.roadmap.pk},
    "actions:export": lambda s: {"pk": s.roadmap.pk},
    "actions:import": lambda s: {"pk": s.roadmap.pk},
    "actions:import_template": lambda s: {"pk": s.roadmap.pk},
    "actions:partner_statement": lambda s: {"pk": s.roadmap.pk, "org_pk": s.key_partner.pk},
    "actions:action_create": lambda s: {"roadmap_pk": s.roadmap.pk},
    "actions:removed_actions": lambda s: {"pk": s.roadmap.pk},
    "actions:action": lambda s: {"pk": s.action.pk},
    "actions:action_row": lambda s: {"pk": s.action.pk},
    "actions:action_edit": lambda s: {"pk": s.action.pk},
    "actions:action_delete": lambda s: {"pk": s.action.pk},
    "actions:action_move": lambda s: {"pk": s.action.pk},
    "actions:action_indicators": lambda s: {"pk": s.action.pk},
    "actions:pledge_create": lambda s: {"pk": s.action.pk},
    "actions:delivery_create": lambda s: {"pk": s.pledge.pk},
    "actions:pledge_edit": lambda s: {"pk": s.pledge.pk},
    "actions:pledge_delete": lambda s: {"pk": s.pledge.pk},
    "actions:delivery_edit": lambda s: {"pk": s.delivery.pk},
    "actions:delivery_delete": lambda s: {"pk": s.delivery.pk},
    "meetings:list": lambda s: {},
    "meetings:meeting": lambda s: {"pk": s.meeting.pk},
    "meetings:minutes": lambda s: {"pk": s.meeting.pk},
    "meetings:ics": lambda s: {"pk": s.meeting.pk},
    "meetings:roadmap_ics": lambda s: {"pk": s.roadmap.pk},
    "outbox:settings": lambda s: {},
    "notifications:follow_action": lambda s: {"pk": s.action.pk},
    "notifications:follow_roadmap": lambda s: {"pk": s.roadmap.pk},
    "outbox:unsubscribe": lambda s: {"token": unsubscribe_token(s.person, Kind.INVITATION)},
    "jobs:list": lambda s: {},
    "jobs:job": lambda s: {"pk": s.job.pk},
    "jobs:download": lambda s: {"pk": s.job.pk},
}


def _action_form(s: Side, **changes) -> dict:
    action = s.action
    data = {
        "challenge": s.challenge.pk,
        "activity_type": action.activity_type,
        "title": "Changed by the permission matrix",
        "description": "",
        "expected_results": "",
        "resources": "",
        "budget": "",
        "currency": action.currency,
        "people_days": "",
        "in_kind": "",
        "lead_partner": s.lead.pk,
        "key_partners": [s.key_partner.pk],
        "start_date": "",
        "deadline": "2030-06-30",
        "status": Action.Status.AGREED,
        "progress": 10,
        "version": action.version,
    }
    data.update(changes)
    return data


# A write that would succeed for whoever may make it: the matrix proves that
# everybody else is refused even with valid input. Unlisted URLs get an empty POST.
POST_DATA: dict[str, Callable[[Side], dict]] = {
    "actions:action_edit": _action_form,
    "actions:action_create": lambda s: _action_form(s, version=""),
    "actions:action_delete": lambda s: {"version": s.action.version},
    "actions:action_move": lambda s: {"direction": "up"},
    # An action that is in the table: staff are told it is not removed (302), nothing written.
    "actions:removed_actions": lambda s: {"action": s.action.pk},
    "actions:action_indicators": lambda s: {
        "version": s.action.version,
        "indicators-TOTAL_FORMS": 2,
        "indicators-INITIAL_FORMS": 1,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
        "indicators-0-id": s.indicator.pk,
        "indicators-0-name": "Schools reached",
        "indicators-0-unit": "",
        "indicators-0-target": 12,
        "indicators-0-DELETE": "on",
        "indicators-1-name": "Added by the permission matrix",
    },
    # A pledge of the action's key partner, and a delivery against its pledge (issue 16).
    "actions:pledge_create": lambda s: {
        "pledge-organisation": s.key_partner.pk,
        "pledge-kind": "volunteer_hours",
        "pledge-amount": "16",
        "pledge-unit": "hours",
        "pledge-date": "2030-01-15",
    },
    "actions:delivery_create": lambda s: {
        f"delivery{s.pledge.pk}-amount": "40",
        f"delivery{s.pledge.pk}-date": "2030-02-01",
    },
    "actions:pledge_edit": lambda s: {
        "version": s.pledge.version,
        "organisation": s.pledge.organisation_id,
        "kind": "cash",
        "amount": "150",
        "unit": "EUR",
        "description": "Changed by the permission matrix",
        "date": s.pledge.date.isoformat(),
    },
    "actions:pledge_delete": lambda s: {"version": s.pledge.version},
    "actions:delivery_edit": lambda s: {
        "version": s.delivery.version,
        "amount": "9",
        "date": s.delivery.date.isoformat(),
        "note": "Changed by the permission matrix",
    },
    "actions:delivery_delete": lambda s: {"version": s.delivery.version},
    "login": lambda s: {"username": "nobody", "password": "wrong"},
    "notifications:follow_action": lambda s: {"follow": "1"},
    "notifications:follow_roadmap": lambda s: {"follow": "1"},
}


# --- Who may do what ---------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """Allowed statuses per relation, for GET and POST; ``writes``: who may change data."""

    get: dict[str, set[int]]
    post: dict[str, set[int]]
    writes: frozenset[str] = frozenset()


def _each(statuses: dict[str, set[int]]) -> dict[str, set[int]]:
    missing = set(RELATIONS) - set(statuses)
    assert not missing, f"no statuses for {missing}"
    return statuses


def _all(*statuses: int) -> dict[str, set[int]]:
    return {key: set(statuses) for key in RELATIONS}


# Reading something of a city: its staff and partners (where shared); a signed-in
# outsider meets a 404, as if it did not exist; an anonymous visitor the login page.
READ = _each(
    {ANON: {302}, OUTSIDER: {404}, PARTNER: {200}, EDITOR: {200}, MODERATOR: {200}, ADMIN: {200}}
)
# Changing it: the city's staff; a partner who may read it is refused (403).
CHANGE_GET = _each(
    {ANON: {302}, OUTSIDER: {404}, PARTNER: {403}, EDITOR: {200}, MODERATOR: {200}, ADMIN: {200}}
)


def change_post(*staff_statuses: int) -> dict[str, set[int]]:
    refused = {ANON: {302}, OUTSIDER: {404}, PARTNER: {403}}
    return _each({**refused, **{key: set(staff_statuses) for key in STAFF}})


# Read views answer GET and HEAD only (require_safe): a POST is 405 for anybody,
# before any permission check; without a CSRF token it is 403 first (test_csrf).
GET_ONLY = _all(405)
# Following what one may read: a redirect back to the page.
FOLLOW = _each(
    {ANON: {302}, OUTSIDER: {404}, PARTNER: {302}, EDITOR: {302}, MODERATOR: {302}, ADMIN: {302}}
)

# A background job (an export): its owner's only, whoever else may read its roadmap.
# The matrix's jobs are the editors' (Sofia's editor's; Vratsa's editor's).
OWNER_ONLY = _each(
    {ANON: {302}, OUTSIDER: {404}, PARTNER: {404}, EDITOR: {200}, MODERATOR: {404}, ADMIN: {404}}
)

EXPECTED: dict[str, Expect] = {
    # Signed in: anybody's own dashboard. Anonymous: the login page.
    "dashboard": Expect(
        get={**_all(200), ANON: {302}},
        post=GET_ONLY,
    ),
    # The site's icon, for anybody: a redirect to the static file.
    "favicon": Expect(get=_all(301), post=GET_ONLY),
    # A signed-in user skips the login page; a failed login shows the form again.
    "login": Expect(get={**_all(302), ANON: {200}}, post={**_all(302), ANON: {200}}),
    # Django 5: logging out is a POST.
    "logout": Expect(get=_all(405), post=_all(302)),
    # The roadmaps each user may see (public ones for anonymous visitors).
    "actions:roadmap_list": Expect(get=_all(200), post=GET_ONLY),
    "actions:roadmap": Expect(get=READ, post=GET_ONLY),
    "actions:timeline": Expect(get=READ, post=GET_ONLY),
    "actions:action": Expect(get=READ, post=GET_ONLY),
    # The workbook: whoever reads the roadmap downloads it.
    "actions:export": Expect(get=READ, post=GET_ONLY),
    # A partner's statement: the roadmap's staff; the matrix's partner works for
    # another organisation than the statement's (its own: test_partner_statement.py).
    "actions:partner_statement": Expect(get=CHANGE_GET, post=GET_ONLY),
    # Import: the city's staff; an upload with no file is refused with 400.
    "actions:import": Expect(get=CHANGE_GET, post=change_post(400), writes=frozenset(STAFF)),
    # The blank template to fill in by hand: whoever may import.
    "actions:import_template": Expect(get=CHANGE_GET, post=GET_ONLY),
    # The row as the table shows it, for "cancel": GET only.
    "actions:action_row": Expect(get=CHANGE_GET, post=GET_ONLY),
    "actions:action_create": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:action_edit": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:action_delete": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:action_indicators": Expect(
        get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)
    ),
    # Pledges and deliveries in the browser: the city's staff; the matrix's partners
    # speak for organisations that neither lead nor partner the action, so 403 (the
    # action's own partners: test_partner_of_the_action_updates_only_what_is_theirs).
    "actions:pledge_create": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:delivery_create": Expect(
        get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)
    ),
    # Correcting an action's resources: its roadmap's staff.
    "actions:pledge_edit": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:pledge_delete": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:delivery_edit": Expect(get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)),
    "actions:delivery_delete": Expect(
        get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)
    ),
    # Moving is POST only.
    "actions:action_move": Expect(
        get={**_all(405)}, post=change_post(302), writes=frozenset(STAFF)
    ),
    # The removed rows, for the city's staff to restore.
    "actions:removed_actions": Expect(
        get=CHANGE_GET, post=change_post(302), writes=frozenset(STAFF)
    ),
    # Meetings: whoever reads the roadmap follows its meetings; GET only.
    "meetings:list": Expect(get=_all(200), post=GET_ONLY),
    "meetings:meeting": Expect(get=READ, post=GET_ONLY),
    "meetings:minutes": Expect(get=READ, post=GET_ONLY),
    "meetings:ics": Expect(get=READ, post=GET_ONLY),
    "meetings:roadmap_ics": Expect(get=READ, post=GET_ONLY),
    # Each signed-in user's own mail settings (a user linked to no person gets the
    # page that says so; an empty POST saves "no mail" for one who is).
    "outbox:settings": Expect(get={**_all(200), ANON: {302}}, post={**_all(200, 302), ANON: {302}}),
    # Following: whoever may read the roadmap follows it or its actions; POST only.
    "notifications:follow_action": Expect(get=_all(405), post=FOLLOW),
    "notifications:follow_roadmap": Expect(get=_all(405), post=FOLLOW),
    # Each signed-in user's own jobs (the page shows theirs only: test_job_list.py).
    "jobs:list": Expect(get={**_all(200), ANON: {302}}, post=GET_ONLY),
    # A job's page and its file: the owner's only; GET only.
    "jobs:job": Expect(get=OWNER_ONLY, post=GET_ONLY),
    "jobs:download": Expect(get=OWNER_ONLY, post=GET_ONLY),
    # The signed link in a mail: for anybody who has it, logged in or not.
    "outbox:unsubscribe": Expect(get=_all(200), post=_all(200)),
}


def snapshot() -> tuple:
    """What a refused request must leave as it was."""
    return (
        tuple(
            Action.objects.order_by("pk").values_list(
                "pk", "version", "title", "status", "progress"
            )
        ),
        tuple(Indicator.objects.order_by("pk").values_list("pk", "name", "target", "current")),
        tuple(Pledge.objects.order_by("pk").values_list("pk", "organisation", "amount")),
        Delivery.objects.count(),
        tuple(Roadmap.objects.order_by("pk").values_list("pk", "title", "visibility")),
        Challenge.objects.count(),
        Meeting.objects.count(),
        Contribution.objects.count(),
        Action.history.model.objects.count(),
        tuple(Pledge.objects.order_by("pk").values_list("pk", "version", "amount")),
        tuple(Delivery.objects.order_by("pk").values_list("pk", "version", "amount")),
    )
