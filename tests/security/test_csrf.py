"""CSRF is enforced on every POST: to every URL of the site (the same table as
the permission matrix), to the admin and to the login form, a POST without the
token is refused with 403 and changes nothing; with the token it goes through."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories

from .test_permission_matrix import ROUTES
from .urlmatrix import EXPECTED, POST_DATA, URL_KWARGS, build_world, snapshot


@pytest.fixture
def world(sofia, vratsa):
    return build_world(sofia=sofia, vratsa=vratsa, users={})


def _strict_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _token(client) -> str:
    """The CSRF token as a browser has it: from the cookie set by a page with a form."""
    client.get(reverse("actions:roadmap_list"))
    return client.cookies[settings.CSRF_COOKIE_NAME].value


# Exempt, with the reason. The one-click unsubscribe: a mail program POSTs it with no
# token (RFC 8058); the signed token in the URL is what authorises, and all it does is
# stop mail (tests/outbox/test_unsubscribe.py refuses a forged one).
CSRF_EXEMPT = {"outbox:unsubscribe"}
CHECKED = [route for route in ROUTES if route.name not in CSRF_EXEMPT]


@pytest.mark.parametrize("route", CHECKED, ids=[route.name for route in CHECKED])
def test_post_without_csrf_token_is_refused_and_changes_nothing(route, world, editor):
    if route.name not in EXPECTED or route.name not in URL_KWARGS:
        pytest.fail(f"{route.name} ({route.route}) has no entry in the URL table")
    url = reverse(route.name, kwargs=URL_KWARGS[route.name](world.own))
    data = POST_DATA.get(route.name, lambda s: {})(world.own)
    before = snapshot()

    for headers in ({}, {"HX-Request": "true"}):
        response = _strict_client(editor).post(url, data, headers=headers)
        assert response.status_code == 403, f"POST {url} without a token: {response.status_code}"
        assert snapshot() == before, f"POST {url} without a token changed data"


@pytest.mark.parametrize("route", CHECKED, ids=[route.name for route in CHECKED])
def test_post_with_a_wrong_csrf_token_is_refused(route, world, editor):
    if route.name not in URL_KWARGS:
        pytest.fail(f"{route.name} ({route.route}) has no entry in the URL table")
    url = reverse(route.name, kwargs=URL_KWARGS[route.name](world.own))
    client = _strict_client(editor)
    _token(client)
    data = {**POST_DATA.get(route.name, lambda s: {})(world.own), "csrfmiddlewaretoken": "x" * 32}
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 403
    assert snapshot() == before


def test_edit_with_the_csrf_token_goes_through(world, editor):
    """The control: the refusals above are CSRF's, not something else's."""
    client = _strict_client(editor)
    token = _token(client)
    url = reverse("actions:action_edit", args=[world.own.action.pk])
    data = {**POST_DATA["actions:action_edit"](world.own), "csrfmiddlewaretoken": token}

    response = client.post(url, data)

    assert response.status_code == 302
    world.own.action.refresh_from_db()
    assert world.own.action.title == "Changed by the permission matrix"


def test_htmx_edit_with_the_token_in_the_header_goes_through(world, editor):
    client = _strict_client(editor)
    token = _token(client)
    url = reverse("actions:action_edit", args=[world.own.action.pk])

    response = client.post(
        url,
        POST_DATA["actions:action_edit"](world.own),
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )

    assert response.status_code == 200
    world.own.action.refresh_from_db()
    assert world.own.action.version == 2


def test_login_form_needs_the_csrf_token(db):
    factories.user("someone")
    client = _strict_client()
    response = client.post(reverse("login"), {"username": "someone", "password": "pw"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_needs_the_csrf_token(editor):
    client = _strict_client(editor)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert client.get(reverse("dashboard")).status_code == 200


def test_set_language_needs_the_csrf_token(db):
    response = _strict_client().post(reverse("set_language"), {"language": "bg"})
    assert response.status_code == 403


def test_admin_change_needs_the_csrf_token(world, moderator):
    action = world.own.action
    client = _strict_client(moderator)
    before = snapshot()
    response = client.post(
        reverse("admin:actions_action_change", args=[action.pk]),
        {"title": "Changed without a token", "version": action.version},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_admin_bulk_delete_needs_the_csrf_token(world, moderator):
    client = _strict_client(moderator)
    before = snapshot()
    response = client.post(
        reverse("admin:actions_action_changelist"),
        {"action": "delete_selected", "_selected_action": [world.own.action.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_csrf_failure_page_is_the_sites_403_page_not_a_500(editor, world):
    response = _strict_client(editor).post(
        reverse("actions:action_edit", args=[world.own.action.pk])
    )
    assert response.status_code == 403
    assert "Traceback" not in response.content.decode()
