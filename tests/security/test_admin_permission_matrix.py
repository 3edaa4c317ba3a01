"""The admin's permission matrix, generated from the admin site's URLs.

Every admin URL x anonymous, partner, editor of the city, editor of another
city, moderator, network admin x GET and an empty POST x Sofia's and Vratsa's
objects (for the URLs that take one): the status is the one
tests/security/adminmatrix.py expects, no 2xx that it does not, staff of
another city never get the object, and a refused request changes nothing.
The admin actions and valid saves are tested in test_admin_actions.py and in
tests/*/test_admin.py.
"""

import copy

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action
from outbox.models import Kind
from outbox.services import mail_queue
from tests.tasks import jobs
from tests.tasks.worker import DATABASE_BACKEND

from .adminmatrix import (
    CUSTOM,
    GROUP,
    MODELS,
    SHARED_MODELS,
    SITE,
    AdminRoute,
    admin_routes,
    expected,
    expected_for_group,
    may_have_written,
    shared_relation,
)
from .adminworld import APPS, dress, objects_of, snapshot
from .headers import assert_security_headers
from .urlmatrix import ANON, EDITOR, OUTSIDER, PARTNER, ROLES, SIDES, build_world, relation

ROUTES = sorted((r for r in admin_routes() if isinstance(r, AdminRoute)), key=lambda r: r.name)
LOGIN = reverse("admin:login")
# Records of the whole site, of no city: the logins', the task queue's.
NETWORK_RECORDS = {"axes", "django_tasks_database", "outbox"}


@pytest.fixture(scope="module")
def module_world(matrix_cast):
    """Both cities with a row of every admin model, built once for the module."""
    sofia, vratsa, users = matrix_cast
    world = build_world(sofia=sofia, vratsa=vratsa, users=users)
    dress(world.own, sofia)
    dress(world.other, vratsa)
    login = {"ip_address": "127.0.0.1", "user_agent": "", "http_accept": "", "path_info": "/"}
    AccessAttempt.objects.create(
        username="x", failures_since_start=1, get_data="", post_data="", **login
    )
    AccessLog.objects.create(username="x", **login)
    AccessFailureLog.objects.create(username="x", **login)
    with override_settings(TASKS=DATABASE_BACKEND):
        jobs.city_name.enqueue(sofia.pk)  # a row of the task queue
    mail_queue(  # a row of the sent log
        kind=Kind.DUE_DIGEST,
        event="matrix",
        person=world.own.person,
        template="email/digest",
        context={"sections": []},
    )
    return world


@pytest.fixture
def world(module_world, db):
    """The module's world; its objects copied for each test."""
    return copy.deepcopy(module_world)


def _object(world, model, side_name):
    """A row of ``model`` that belongs to the side's city."""
    label = model._meta.label
    if side_name == "shared":
        return {
            "stakeholders.Organisation": world.shared,
            "stakeholders.Person": world.shared_person,
        }[label].pk
    side = world.side(side_name)
    # The city's own organisation and person (not the shared organisation's).
    if label == "stakeholders.Organisation":
        return side.lead.pk
    if label == "stakeholders.Person":
        return side.person.pk
    if label == "auth.User":
        return world.users["editor" if side_name == "own" else "other_editor"].pk
    if label == "auth.Group":
        return Group.objects.get(name="editor").pk
    if model._meta.app_label in NETWORK_RECORDS:
        return model.objects.order_by("pk").first().pk
    return objects_of(model, side.city)[0]


def _url(world, route: AdminRoute, side_name: str) -> str:
    if route.name == "view_on_site":
        action = world.side(side_name).action
        return reverse(
            "admin:view_on_site", args=[ContentType.objects.get_for_model(Action).pk, action.pk]
        )
    if route.name == "app_list":
        return reverse("admin:app_list", kwargs={"app_label": "actions"})
    if route.model is None:
        return reverse(f"admin:{route.name}")
    if not route.takes_object:
        return reverse(f"admin:{route.name}")
    pk = _object(world, route.model, side_name)
    if route.view == "simple_history":
        history = route.model.history.filter(**{route.model._meta.pk.attname: pk})
        return reverse(f"admin:{route.name}", args=[pk, history.latest("history_id").history_id])
    if route.name == "auth_user_password_change":
        return reverse(f"admin:{route.name}", kwargs={"id": pk})
    return reverse(f"admin:{route.name}", kwargs={"object_id": pk})


def _sides(route: AdminRoute) -> tuple[str, ...]:
    if not route.takes_object:
        return ("own",)
    if route.model is not None and route.model._meta.label in SHARED_MODELS:
        return (*SIDES, "shared")
    return SIDES


def _relation(role: str, side_name: str, route: AdminRoute) -> str:
    if role in ("partner", "shared_partner"):
        return PARTNER  # no staff: the admin's login, whichever city's object
    if side_name == "shared":
        return shared_relation(role)
    if not route.takes_object and role == "other_editor":
        return EDITOR  # a page about no object: an editor is an editor
    return relation(role, side_name)


def test_every_admin_url_and_model_has_an_entry(db):
    unclassified = [r for r in admin_routes() if not isinstance(r, AdminRoute)]
    assert not unclassified, (
        "Admin URLs without an entry in tests/security/adminmatrix.py (SITE or CUSTOM): "
        f"{', '.join(unclassified)}. Decide who may open them and add them."
    )
    from django.contrib import admin

    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(MODELS), (
        f"models registered without rights: {sorted(registered - set(MODELS))}; "
        f"rights for models not registered: {sorted(set(MODELS) - registered)}"
    )


def test_the_matrix_knows_the_cockpit_and_the_site(db):
    names = {route.name for route in ROUTES}
    assert set(CUSTOM) <= names
    assert set(SITE) <= names
    assert {"actions_action_change", "meetings_meeting_change"} <= names


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_admin_permission_matrix(route, world, client_as):
    expect = expected(route)
    sides = _sides(route)
    before = snapshot()
    problems = []
    for side_name in sides:
        url = _url(world, route, side_name)
        for role in ROLES:
            rel = _relation(role, side_name, route)
            client = client_as(role)
            for method in ("get", "post"):
                if rel == GROUP:
                    allowed = expected_for_group(route)[0 if method == "get" else 1]
                else:
                    allowed = (expect.get if method == "get" else expect.post)[rel]
                where = f"{method.upper()} {url} as {role} ({rel}, {side_name} city)"
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url) if method == "get" else client.post(url, {})
                    status = response.status_code
                    if status not in allowed:
                        problems.append(f"{where}: {status}, expected {sorted(allowed)}")
                    to_login = response.get("Location", "").startswith(LOGIN)
                    # Logging out sends to the index; everything else to the login.
                    leaves = route.name == "logout"
                    if rel in (ANON, PARTNER) and status == 302 and not to_login and not leaves:
                        problems.append(f"{where}: to {response['Location']}, not to log in")
                    if rel == OUTSIDER and 200 <= status < 300:
                        problems.append(f"{where}: another city's object answered {status}")
                    assert_security_headers(response, admin=True)
                    refused = method == "post" and not 200 <= status < 300
                    # Reading every row again is the matrix's main cost after the
                    # requests: only a request that may have written pays for it.
                    wrote = may_have_written(queries.captured_queries, APPS)
                    if refused and wrote and snapshot() != before:
                        problems.append(f"{where}: refused, but changed data")
                    transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_write_detection_sees_every_kind_of_write(world):
    action = world.own.action
    history = Action.history.filter(id=action.pk)
    writes = {
        "update": lambda: Action.objects.filter(pk=action.pk).update(title="Changed"),
        "history": lambda: history.update(history_change_reason="Changed"),
        "delete": lambda: action.indicators.all().delete(),
        "insert": lambda: Group.objects.get(name="editor").user_set.add(world.users["partner"]),
        "raw": lambda: connection.cursor().execute(
            f"DELETE FROM {connection.ops.quote_name(Action._meta.db_table)} WHERE 1 = 0"
        ),
    }
    for name, write in writes.items():
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            write()
            transaction.set_rollback(True)
        assert may_have_written(queries.captured_queries, APPS) == (name != "insert"), name
    with CaptureQueriesContext(connection) as queries:
        list(Action.objects.all())
        list(history)
    assert not may_have_written(queries.captured_queries, APPS)


def test_partner_and_anonymous_never_reach_an_admin_page(world, client_as):
    """The partner is no staff: every admin URL sends them to the admin's login."""
    for role in ("anonymous", "partner", "shared_partner"):
        client = client_as(role)
        for route in ROUTES:
            if route.name in ("login", "logout"):
                continue
            response = client.get(_url(world, route, "own"))
            assert response.status_code == 302, (role, route.name)
            assert response["Location"].startswith(LOGIN), (role, route.name)
    assert User.objects.filter(pk=world.users["partner"].pk, is_staff=False).exists()


OBJECT_ROUTES = [route for route in ROUTES if route.takes_object]


def _unknown_url(world, route: AdminRoute) -> str:
    """``route`` about an id that does not exist (the other side's history id, if any)."""
    unknown = 999_999
    if route.name == "view_on_site":
        content_type = ContentType.objects.get_for_model(Action).pk
        return reverse("admin:view_on_site", args=[content_type, unknown])
    if route.view == "simple_history":
        pk = _object(world, route.model, "other")
        history = route.model.history.filter(**{route.model._meta.pk.attname: pk})
        return reverse(
            f"admin:{route.name}", args=[unknown, history.latest("history_id").history_id]
        )
    if route.name == "auth_user_password_change":
        return reverse(f"admin:{route.name}", kwargs={"id": unknown})
    return reverse(f"admin:{route.name}", kwargs={"object_id": unknown})


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=[route.name for route in OBJECT_ROUTES])
def test_another_citys_object_answers_like_an_unknown_id(route, world, client_as):
    """Whatever a user may not see answers as an id that does not exist: the
    same status, the same place (issue 14, hole 8)."""
    problems = []
    for role in ("editor", "moderator"):
        client = client_as(role)
        for method in ("get", "post"):
            answers = []
            for url in (_url(world, route, "other"), _unknown_url(world, route)):
                with transaction.atomic():
                    response = getattr(client, method)(url, {})
                    answers.append((response.status_code, response.get("Location")))
                    transaction.set_rollback(True)
            if answers[0] != answers[1]:
                problems.append(
                    f"{method.upper()} as {role}: Vratsa's {answers[0]}, unknown {answers[1]}"
                )
    assert not problems, "\n".join(problems)
