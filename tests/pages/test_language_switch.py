"""The navbar's language switch: Bulgarian and English, through Django's set_language.

The project's own Bulgarian catalogue comes later; these tests hold before and
after it, because they check the <html lang>, the cookie, and text that Django's
own catalogues translate (month names, the admin's "Log out").
"""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def signed_in(client, editor, sofia_roadmap):
    # A meeting in September: a month name in English, the date in Bulgarian digits.
    factories.meeting(
        sofia_roadmap, start=datetime.datetime(2099, 9, 16, 8, 0, tzinfo=datetime.timezone.utc)
    )
    client.force_login(editor)
    return client


def _switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_navbar_offers_both_languages_by_post(signed_in):
    body = signed_in.get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in body
    assert 'name="language" value="bg"' in body
    assert 'name="language" value="en"' in body
    # Each language is named in itself, so that whoever cannot read the page finds theirs.
    assert 'lang="bg">български</button>' in body
    assert 'lang="en">English</button>' in body


def test_switch_to_bulgarian_and_back(signed_in):
    response = _switch(signed_in, "bg")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[LANGUAGE_COOKIE].value == "bg"

    body = signed_in.get("/").content.decode()
    assert '<html lang="bg">' in body
    assert "16.09.2099" in body  # the date as Bulgarian writes it (cities4csr/formats/bg)
    assert "September" not in body and "Sept." not in body
    assert "Log out" not in body

    response = _switch(signed_in, "en")
    assert response.cookies[LANGUAGE_COOKIE].value == "en"
    body = signed_in.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "16 Sept. 2099" in body
    assert "Log out" in body
    assert "16.09.2099" not in body


def test_the_current_language_is_marked(signed_in):
    _switch(signed_in, "bg")
    body = signed_in.get("/").content.decode()
    buttons = dict(re.findall(r'<button[^>]*name="language" value="(\w+)"([^>]*)>', body))
    assert "btn-light" in buttons["bg"] and 'aria-current="true"' in buttons["bg"]
    assert "btn-outline-light" in buttons["en"] and "aria-current" not in buttons["en"]


def test_switch_returns_to_the_page_it_came_from(signed_in, sofia_roadmap):
    page = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    response = _switch(signed_in, "bg", next_url=page)
    assert response["Location"] == page


def test_switch_never_returns_to_another_site(signed_in):
    response = _switch(signed_in, "bg", next_url="https://evil.example.com/")
    assert response["Location"] == "/"


def test_anonymous_can_switch_on_the_login_page(client, db):
    response = _switch(client, "bg", next_url=reverse("login"))
    assert response.cookies[LANGUAGE_COOKIE].value == "bg"
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="bg">' in body
    assert "Парола" in body  # the password field's label, from Django's auth catalogue

    _switch(client, "en", next_url=reverse("login"))
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Password" in body


def test_an_unknown_language_changes_nothing(signed_in):
    response = _switch(signed_in, "xx")
    assert LANGUAGE_COOKIE not in response.cookies
    assert '<html lang="en">' in signed_in.get("/").content.decode()
