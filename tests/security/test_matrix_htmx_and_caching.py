"""Over every URL of the permission matrix (tests/security/urlmatrix.py), for every
role and both cities: an htmx request (``HX-Request: true``) never gets a 5xx,
and whatever a signed-in user is sent (pages, workbooks, minutes, calendars,
redirects, 404s) carries ``Cache-Control: private, no-store``."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from .urlmatrix import (
    POST_DATA,
    ROLES,
    SIDES,
    URL_KWARGS,
    build_world,
    url_patterns,
)

ROUTES = sorted(url_patterns(), key=lambda r: r.name)
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


@pytest.fixture(scope="module")
def module_world(matrix_cast):
    sofia, vratsa, users = matrix_cast
    return build_world(sofia=sofia, vratsa=vratsa, users=users)


@pytest.fixture
def world(module_world, db):
    return copy.deepcopy(module_world)


@pytest.fixture
def quiet_client_as(matrix_sessions, db):
    """Like ``client_as``, but a view's exception is the 500 a user would get."""

    def make(role: str) -> Client:
        client = Client(raise_request_exception=False)
        if role in matrix_sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = matrix_sessions[role]
        return client

    return make


def _requests(route, world):
    for side_name in SIDES if route.has_kwargs else ("own",):
        side = world.side(side_name)
        url = reverse(route.name, kwargs=URL_KWARGS[route.name](side))
        yield side_name, url, POST_DATA.get(route.name, lambda s: {})(side)


def _cache_directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {part.strip().split("=")[0].lower() for part in value.split(",") if part.strip()}


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_htmx_requests_never_answer_5xx(route, world, quiet_client_as):
    problems = []
    for side_name, url, post_data in _requests(route, world):
        for role in ROLES:
            for method in ("get", "post"):
                client = quiet_client_as(role)
                with transaction.atomic():
                    send = client.get if method == "get" else client.post
                    response = (
                        send(url, headers=HTMX)
                        if method == "get"
                        else send(url, post_data, headers=HTMX)
                    )
                    if response.status_code >= 500:
                        problems.append(
                            f"{method.upper()} {url} as {role} ({side_name} city), htmx: "
                            f"{response.status_code}"
                        )
                    transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_signed_in_users_responses_are_private_and_not_stored(route, world, quiet_client_as):
    problems = []
    for side_name, url, post_data in _requests(route, world):
        for role in ROLES:
            if role == "anonymous":
                continue
            for method, headers in (("get", {}), ("get", HTMX), ("post", {})):
                client = quiet_client_as(role)
                with transaction.atomic():
                    response = (
                        client.get(url, headers=headers)
                        if method == "get"
                        else client.post(url, post_data)
                    )
                    directives = _cache_directives(response)
                    if not {"private", "no-store"} <= directives or "public" in directives:
                        problems.append(
                            f"{method.upper()} {url} as {role} ({side_name} city): "
                            f"Cache-Control {response.get('Cache-Control')!r}"
                        )
                    transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_a_public_roadmap_is_not_marked_private_for_anonymous_visitors(world):
    roadmap = world.other.roadmap
    roadmap.visibility = "public"
    roadmap.save()
    response = Client().get(reverse("actions:roadmap", args=[roadmap.pk]))
    assert response.status_code == 200
    assert "no-store" not in _cache_directives(response)
