"""Every URL of the admin site, and who may do what with it.

The admin's permission matrix walks ``admin.site.get_urls()`` as it is at run
time. A model registered in the admin without an entry in ``MODELS``, or an
admin URL that is neither one of Django's standard model views nor listed in
``SITE`` or ``CUSTOM``, fails the matrix, naming itself: somebody has to decide
who may open it.

Relations are those of urlmatrix.py: what a role is to the city of the object.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import URLPattern, URLResolver

from .urlmatrix import ADMIN, ANON, EDITOR, MODERATOR, OUTSIDER, PARTNER, RELATIONS, STAFF

# Django's own patterns without a name: the old object URL that redirects to the
# change page, and the catch-all that answers any other path under /admin/.
UNNAMED = {"<path:object_id>/", "(?P<url>.*)$"}

# The views Django's ModelAdmin gives every model, by the suffix of their name.
MODEL_VIEWS = ("changelist", "add", "change", "delete", "history", "simple_history")
# Of those, the ones that take an object (and so are asked about both cities').
OBJECT_VIEWS = ("change", "delete", "history", "simple_history")


@dataclass(frozen=True)
class AdminRoute:
    name: str
    route: str
    model: type | None  # the model of a model admin's URL
    view: str  # one of MODEL_VIEWS, or the name of a custom or site view
    takes_object: bool


def admin_routes() -> Iterator[AdminRoute | str]:
    """Every admin URL; a pattern that cannot be classified is yielded as text."""
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield pattern, route

    for pattern, route in walk(admin.site.get_urls()):
        name = pattern.name
        if name is None:
            tail = str(pattern.pattern).rsplit("/", 2)[-2:]
            if str(pattern.pattern) in UNNAMED or "/".join(tail) in UNNAMED:
                continue
            yield f"(unnamed) {route}"
            continue
        if name in SITE:
            yield AdminRoute(name, route, None, name, name in SITE_OBJECT_VIEWS)
            continue
        prefix = max((p for p in models if name.startswith(p + "_")), key=len, default=None)
        if prefix is None:
            yield f"{name} ({route})"
            continue
        view = name[len(prefix) + 1 :]
        if view not in MODEL_VIEWS and name not in CUSTOM:
            yield f"{name} ({route})"
            continue
        takes_object = view in OBJECT_VIEWS or name in CUSTOM
        yield AdminRoute(name, route, models[prefix], view, takes_object)


# --- Who may do what -------------------------------------------------------------


@dataclass(frozen=True)
class ModelRights:
    """Which of the city's staff may view, change, add and delete a model's rows."""

    view: frozenset[str]
    change: frozenset[str] = frozenset()
    add: frozenset[str] = frozenset()
    delete: frozenset[str] = frozenset()


def _rights(view=(), change=(), add=(), delete=()) -> ModelRights:
    return ModelRights(frozenset(view), frozenset(change), frozenset(add), frozenset(delete))


ALL_STAFF = STAFF
MANAGERS = (MODERATOR, ADMIN)  # the moderator runs the working group and its meetings
NETWORK = (ADMIN,)

MODELS: dict[str, ModelRights] = {
    # The network: cities and who works for which are the network admin's.
    "stakeholders.City": _rights(view=ALL_STAFF, change=NETWORK, add=NETWORK, delete=NETWORK),
    "stakeholders.CityAccess": _rights(view=NETWORK, change=NETWORK, add=NETWORK, delete=NETWORK),
    # Organisations: any of the city's staff adds and edits them (lead and key
    # partners of the table); deleting one is the network admin's.
    "stakeholders.Organisation": _rights(
        view=ALL_STAFF, change=ALL_STAFF, add=ALL_STAFF, delete=NETWORK
    ),
    # People's details and the working group: the moderator's.
    "stakeholders.Person": _rights(view=ALL_STAFF, change=MANAGERS, add=MANAGERS, delete=NETWORK),
    "stakeholders.Membership": _rights(
        view=ALL_STAFF, change=MANAGERS, add=MANAGERS, delete=MANAGERS
    ),
    # The roadmap and its table: the city's staff; a new roadmap is the network's.
    "actions.Roadmap": _rights(view=ALL_STAFF, change=ALL_STAFF, add=NETWORK, delete=NETWORK),
    "actions.Challenge": _rights(view=ALL_STAFF, change=ALL_STAFF, add=ALL_STAFF, delete=ALL_STAFF),
    "actions.Action": _rights(view=ALL_STAFF, change=ALL_STAFF, add=ALL_STAFF, delete=ALL_STAFF),
    # Indicators are edited in their action (the inline, through the service).
    "actions.Indicator": _rights(view=ALL_STAFF),
    # Funding lines too (the list is to look them up); a pledge has its own page
    # for its ledger of deliveries; one nothing was delivered of may be removed.
    "actions.FundingLine": _rights(view=ALL_STAFF),
    "actions.Pledge": _rights(view=ALL_STAFF, change=ALL_STAFF, add=ALL_STAFF, delete=ALL_STAFF),
    # Meetings and their parts: the moderator's; editors read them.
    **{
        f"meetings.{name}": _rights(view=ALL_STAFF, change=MANAGERS, add=MANAGERS, delete=MANAGERS)
        for name in ("Meeting", "AgendaItem", "Attendance", "Contribution", "NextStep")
    },
    # Accounts: the network admin's; the roles (groups) come from a migration.
    "auth.User": _rights(view=NETWORK, change=NETWORK, add=NETWORK, delete=NETWORK),
    "auth.Group": _rights(view=NETWORK),
    # django-axes' records, written by the login: the network admin reads them and
    # lifts a lockout by deleting its attempt; nobody edits them.
    "axes.AccessAttempt": _rights(view=NETWORK, delete=NETWORK),
    "axes.AccessLog": _rights(view=NETWORK),
    "axes.AccessFailureLog": _rights(view=NETWORK),
    # The task queue: written by the workers; the network admin reads it.
    "django_tasks_database.DBTaskResult": _rights(view=NETWORK),
    # The sent log: written by the outbox; the network admin reads who got what.
    "outbox.Mail": _rights(view=NETWORK),
}

# The cockpit's own pages and the user's password page: who may use them.
CUSTOM: dict[str, frozenset[str]] = {
    "meetings_meeting_close": frozenset(MANAGERS),
    "meetings_meeting_carry_forward": frozenset(MANAGERS),
    "meetings_meeting_invite": frozenset(MANAGERS),
    "meetings_contribution_accept": frozenset(MANAGERS),
    "meetings_contribution_pledge": frozenset(MANAGERS),
    "auth_user_password_change": frozenset(NETWORK),
}


@dataclass(frozen=True)
class Statuses:
    get: dict[str, set[int]]
    post: dict[str, set[int]]


def _each(statuses: dict[str, set[int]]) -> dict[str, set[int]]:
    missing = set(RELATIONS) - set(statuses)
    assert not missing, f"no statuses for {missing}"
    return statuses


# Not signed in, or not staff (a partner): the admin's login page, whatever the URL.
TO_LOGIN = {ANON: {302}, PARTNER: {302}}
# Staff of another city asking about this city's object: the admin answers as for
# an id that does not exist (test_another_citys_object_answers_like_an_unknown_id):
# Django's redirect to the index (change, delete, history), a 404 (simple-history's
# views, the cockpit, the view-on-site shortcut), or a 403 where the role may not
# use the view for any object (a save of a model the role only reads), never the object.
NOT_THEIRS = {302, 403, 404}


def _staff(get: dict[str, set[int]], post: dict[str, set[int]]) -> Statuses:
    return Statuses(
        _each({**TO_LOGIN, OUTSIDER: NOT_THEIRS, **get}),
        _each({**TO_LOGIN, OUTSIDER: NOT_THEIRS, **post}),
    )


def _by(allowed, yes: int, no: int = 403) -> dict[str, set[int]]:
    return {relation: {yes if relation in allowed else no} for relation in STAFF}


# The site's own views. The outsider (staff of another city) is staff like any.
SITE_OBJECT_VIEWS = {"view_on_site"}
SITE: dict[str, Statuses] = {
    "index": _staff(_by(STAFF, 200), _by(STAFF, 200)),
    "app_list": _staff(_by(STAFF, 200), _by(STAFF, 200)),
    # A signed-in user skips the login form; a POST with no credentials shows it again.
    "login": Statuses(
        _each({ANON: {200}, PARTNER: {200}, OUTSIDER: {302}, **_by(STAFF, 302)}),
        _each({ANON: {200}, PARTNER: {200}, OUTSIDER: {200}, **_by(STAFF, 200)}),
    ),
    "logout": Statuses(
        _each({ANON: {302}, PARTNER: {302}, OUTSIDER: {405}, **_by(STAFF, 405)}),
        _each({ANON: {302}, PARTNER: {302}, OUTSIDER: {302}, **_by(STAFF, 302)}),
    ),
    "password_change": _staff(_by(STAFF, 200), _by(STAFF, 200)),
    "password_change_done": _staff(_by(STAFF, 200), _by(STAFF, 405)),
    "jsi18n": _staff(_by(STAFF, 200), _by(STAFF, 405)),
    # Without the query an autocomplete needs (app, model, field) it is a 403.
    "autocomplete": _staff(_by(STAFF, 403), _by(STAFF, 405)),
    # The "view on site" redirect: to the page of an object the user sees in the
    # admin (another city's answers 404, as an unknown id does).
    "view_on_site": _staff(_by(STAFF, 302), _by(STAFF, 302)),
}


# --- The shared organisation -----------------------------------------------------
# Vratsa's organisation that sits in Sofia's working group too, and its person:
# the third side the matrix asks about, for these models' object URLs.
SHARED_MODELS = {"stakeholders.Organisation", "stakeholders.Person"}
# Sofia's staff to it: they see it (their working group's), and change nothing.
GROUP = "working group"


def shared_relation(role: str) -> str:
    """What each role is to Vratsa's organisation in Sofia's working group."""
    return {
        "anonymous": ANON,
        "partner": PARTNER,
        "shared_partner": PARTNER,
        "editor": GROUP,
        "moderator": GROUP,
        "other_editor": EDITOR,  # Vratsa's: the organisation's own city
        "network_admin": ADMIN,
    }[role]


def expected_for_group(route: AdminRoute) -> tuple[set[int], set[int]]:
    """What Sofia's staff get (GET, empty POST) about the shared organisation or its person.

    They read its change form and history; a save or a delete is refused (403),
    on the change form too, so that nothing of it is theirs to rename, re-home
    or edit (issue 14, holes 1 and 2). Django's history view answers a POST as
    a GET.
    """
    assert route.model._meta.label in SHARED_MODELS
    rights = MODELS[route.model._meta.label]
    assert GROUP not in rights.view and set(STAFF) - {ADMIN} <= rights.view
    return {
        "change": ({200}, {403}),
        "delete": ({403}, {403}),
        "history": ({200}, {200}),
        "simple_history": ({200}, {403}),
    }[route.view]


def expected(route: AdminRoute) -> Statuses:
    """What each relation gets for a GET and an empty POST to ``route``."""
    if route.model is None:
        return SITE[route.name]
    if route.name in CUSTOM:
        allowed = CUSTOM[route.name]
        return _staff(_by(allowed, 200), _by(allowed, 200))
    rights = MODELS[route.model._meta.label]
    if route.view == "changelist":
        return _staff(_by(rights.view, 200), _by(rights.view, 200))
    if route.view == "add":
        return _staff(_by(rights.add, 200), _by(rights.add, 200))
    if route.view == "change":
        # A change form that may only be viewed refuses the POST; an empty POST
        # to an editable one is the form again, with its errors.
        get = _by(rights.view | rights.change, 200)
        return _staff(get, _by(rights.change, 200))
    if route.view == "delete":
        # An empty POST (no "post": "yes") is the confirmation page again.
        return _staff(_by(rights.delete, 200), _by(rights.delete, 200))
    if route.view == "history":
        readers = rights.view | rights.change
        return _staff(_by(readers, 200), _by(readers, 200))
    if route.view == "simple_history":
        # A historical version can be read; reverting to it is off for everyone.
        return _staff(_by(rights.view | rights.change, 200), _by((), 200))
    raise AssertionError(f"{route.name}: no rule for the view {route.view!r}")


# --- Did a request write? ------------------------------------------------------------

# What a statement that only reads (or only handles the test's savepoints) begins with.
READS = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def may_have_written(queries: list[dict], app_labels) -> bool:
    """Whether any of ``queries`` (CaptureQueriesContext's) may have changed a row of
    the apps' tables (their history tables included).

    Anything but a plain read that names one of the tables counts, so a False is
    sure: the rows are as they were, without reading them all again.
    """
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
    ]
    return any(
        not query["sql"].lstrip().upper().startswith(READS)
        and any(table in query["sql"] for table in tables)
        for query in queries
    )
