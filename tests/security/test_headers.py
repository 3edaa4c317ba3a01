"""Security headers on every kind of page: the Content Security Policy (with the
request's nonce on the page's scripts), nosniff, Referrer-Policy, COOP and
X-Frame-Options. The permission matrix checks the same on every URL it visits."""

import pytest
from django.urls import reverse

from tests import factories

from .headers import assert_security_headers, inline_scripts, script_nonces

ERROR_URLS = "tests.pages.urls_errors"


@pytest.fixture
def sofia_action(sofia_roadmap):
    return factories.action(sofia_roadmap, title="School programme")


@pytest.fixture
def sofia_meeting(sofia_roadmap):
    return factories.meeting(sofia_roadmap)


def _site_pages(roadmap, action, meeting):
    return [
        reverse("dashboard"),
        reverse("actions:roadmap_list"),
        reverse("actions:roadmap", args=[roadmap.pk]),
        reverse("actions:roadmap", args=[roadmap.pk]) + "?status=proposed&sort=deadline",
        reverse("actions:timeline", args=[roadmap.pk]),
        reverse("actions:action", args=[action.pk]),
        reverse("actions:action_edit", args=[action.pk]),
        reverse("actions:action_create", args=[roadmap.pk]),
        reverse("actions:action_indicators", args=[action.pk]),
        reverse("actions:action_delete", args=[action.pk]),
        reverse("meetings:list"),
        reverse("meetings:meeting", args=[meeting.pk]),
    ]


def test_every_page_of_the_site_has_the_csp_and_security_headers(
    client, editor, sofia_roadmap, sofia_action, sofia_meeting
):
    client.force_login(editor)
    for url in _site_pages(sofia_roadmap, sofia_action, sofia_meeting):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = assert_security_headers(response)
        nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))[7:-1]
        body = response.content.decode()
        # Each of the page's scripts carries this response's nonce, and no
        # inline script exists at all.
        assert script_nonces(body) == {nonce}, url
        assert inline_scripts(body) == [], url


def test_nonce_is_new_for_every_response(client, editor, sofia_roadmap):
    client.force_login(editor)
    url = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    first = client.get(url)["Content-Security-Policy"]
    second = client.get(url)["Content-Security-Policy"]
    assert first != second


def test_htmx_row_responses_have_the_headers(client, editor, sofia_action):
    client.force_login(editor)
    for url in (
        reverse("actions:action_row", args=[sofia_action.pk]),
        reverse("actions:action_edit", args=[sofia_action.pk]),
    ):
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert_security_headers(response)
        assert inline_scripts(response.content.decode()) == []


def test_login_page_has_the_headers(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_anonymous_redirect_to_login_has_the_headers(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert_security_headers(response)


def test_downloads_have_the_headers(client, editor, sofia_meeting):
    client.force_login(editor)
    for url in (
        reverse("meetings:ics", args=[sofia_meeting.pk]),
        reverse("meetings:minutes", args=[sofia_meeting.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/actions/action/", "/admin/meetings/meeting/", "/admin/login/"]
)
def test_admin_pages_allow_inline_styles_but_never_inline_scripts(client, moderator, path):
    client.force_login(moderator)
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert_security_headers(response, admin=True)


def test_admin_change_and_history_pages_have_the_headers(client, moderator, sofia_action):
    client.force_login(moderator)
    for url in (
        reverse("admin:actions_action_change", args=[sofia_action.pk]),
        reverse("admin:actions_action_history", args=[sofia_action.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, admin=True)


def test_404_page_has_the_headers(client, editor, vratsa_roadmap):
    client.force_login(editor)
    for url in ("/no/such/page/", reverse("actions:roadmap", args=[vratsa_roadmap.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert_security_headers(response)


def test_403_page_has_the_headers(client, partner, sofia_roadmap, sofia_action):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    client.force_login(partner)
    response = client.get(reverse("actions:action_edit", args=[sofia_action.pk]))
    assert response.status_code == 403
    assert_security_headers(response)


def test_500_page_has_the_headers(client, db, settings):
    settings.ROOT_URLCONF = ERROR_URLS
    client.raise_request_exception = False
    response = client.get("/test-errors/broken/")
    assert response.status_code == 500
    assert_security_headers(response)
    assert inline_scripts(response.content.decode()) == []


def test_csrf_failure_page_has_the_headers(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert response.status_code == 403
    assert_security_headers(response)


def test_locked_out_login_page_has_the_headers(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client.post(reverse("login"), {"username": "editor", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    assert_security_headers(response)
