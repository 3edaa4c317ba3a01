"""Logging in and out, and the language a city's users start in."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests import factories

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def _log_in(client, username, password="pw", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_page_has_a_labelled_form(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<label\s+for="id_username"', body)
    assert re.search(r'<label\s+for="id_password"', body)
    assert 'name="csrfmiddlewaretoken"' in body
    assert "<h1" in body


def test_log_in_leads_to_the_dashboard(client, editor):
    response = _log_in(client, "editor")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_log_in_returns_to_the_page_asked_for(client, editor, sofia_roadmap):
    target = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    response = client.post(
        reverse("login"), {"username": "editor", "password": "pw", "next": target}
    )
    assert response["Location"] == target


def test_log_in_never_redirects_to_another_site(client, editor):
    response = client.post(
        reverse("login"),
        {"username": "editor", "password": "pw", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("dashboard")


def test_wrong_password_is_refused_with_a_message(client, editor):
    response = _log_in(client, "editor", password="wrong")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_logged_in_user_skips_the_login_page(client, editor):
    client.force_login(editor)
    response = client.get(reverse("login"))
    assert response["Location"] == reverse("dashboard")


def test_logout_needs_a_post(client, editor):
    client.force_login(editor)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session


def test_logout_ends_the_session_and_says_so(client, editor):
    client.force_login(editor)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert SESSION_KEY not in client.session
    assert "You have been logged out." in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_navbar_logs_out_with_a_post_form(client, editor):
    client.force_login(editor)
    body = client.get(reverse("dashboard")).content.decode()
    assert f'<form action="{reverse("logout")}" method="post"' in body


# --- Bulgarian first for the Bulgarian cities ----------------------------------------


@pytest.mark.parametrize("who", ["editor", "moderator", "partner", "other_editor"])
def test_users_of_a_bulgarian_city_start_in_bulgarian(client, db, request, who):
    # ``db`` is asked for here, not only through getfixturevalue, so that pytest-django
    # runs this test before the transactional ones that flush the role groups.
    user = request.getfixturevalue(who)
    # The browser asks for English; the city's working language wins the first time.
    response = _log_in(client, user.username, HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[LANGUAGE_COOKIE].value == "bg"
    body = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="bg">' in body


def test_a_language_chosen_before_is_kept(client, editor):
    client.cookies[LANGUAGE_COOKIE] = "en"
    response = _log_in(client, "editor")
    assert LANGUAGE_COOKIE not in response.cookies
    body = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="en">' in body


def test_users_of_no_city_keep_the_browser_language(client, network_admin):
    response = _log_in(client, "admin", HTTP_ACCEPT_LANGUAGE="en")
    assert LANGUAGE_COOKIE not in response.cookies


def test_users_of_cities_with_different_languages_keep_the_browser_language(client, sofia):
    milan = factories.city("Milan", country="IT", language="en")
    factories.user("both", role="editor", cities=[sofia, milan])
    response = _log_in(client, "both", HTTP_ACCEPT_LANGUAGE="en")
    assert LANGUAGE_COOKIE not in response.cookies


def test_a_city_working_in_english_sets_english(client, db):
    milan = factories.city("Milan", country="IT", language="en")
    factories.user("milan", role="editor", cities=[milan])
    response = _log_in(client, "milan", HTTP_ACCEPT_LANGUAGE="bg")
    assert response.cookies[LANGUAGE_COOKIE].value == "en"


def test_a_failed_login_sets_no_language(client, editor):
    response = _log_in(client, "editor", password="wrong")
    assert LANGUAGE_COOKIE not in response.cookies
