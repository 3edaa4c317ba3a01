"""The 403, 404 and 500 pages, with DEBUG off as in production."""

import logging

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from cities4csr import views

ERROR_URLS = "tests.pages.urls_errors"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_errors():
    """What the django.request logger logs (it does not propagate to pytest's caplog)."""
    handler = _Records()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.mark.parametrize("logged_in", [False, True])
def test_unknown_url_gives_the_404_page_in_the_site_layout(client, editor, logged_in):
    if logged_in:
        client.force_login(editor)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert f'href="{reverse("dashboard")}"' in body
    assert 'id="main"' in body and "navbar" in body  # extends base.html


def test_another_citys_private_roadmap_gives_the_404_page(client, editor, vratsa_roadmap):
    client.force_login(editor)
    response = client.get(reverse("actions:roadmap", args=[vratsa_roadmap.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Vratsa" not in response.content.decode()


def test_404_page_in_bulgarian(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="bg">' in body
    assert "Страница не е намерена" in body  # Django's own translation


@pytest.mark.urls(ERROR_URLS)
def test_permission_denied_gives_the_403_page(client, editor):
    client.force_login(editor)
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Forbidden" in body
    assert "Your account may not do this." in body
    assert f'href="{reverse("dashboard")}"' in body
    assert "navbar" in body


@pytest.mark.urls(ERROR_URLS)
def test_an_error_gives_the_500_page_without_details_and_is_logged(client, editor, request_errors):
    client.force_login(editor)
    client.raise_request_exception = False
    response = client.get("/test-errors/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Server error (500)" in body
    assert "Something went wrong on our side" in body
    assert f'href="{reverse("dashboard")}"' in body
    for detail in (
        "SECRET_TRACE_MARKER",
        "Traceback",
        "RuntimeError",
        "SECRET_KEY",
        settings.SECRET_KEY,
        "SELECT",
        "INSTALLED_APPS",
        "urls_errors",
    ):
        assert detail not in body, detail
    assert any(r.exc_info and "SECRET_TRACE_MARKER" in str(r.exc_info[1]) for r in request_errors)


@pytest.mark.urls(ERROR_URLS)
def test_500_page_in_bulgarian(client, db):
    client.raise_request_exception = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    response = client.get("/test-errors/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="bg">' in body
    assert "Сървърна грешка (500)" in body


def test_500_page_needs_no_database_nor_request_context():
    # Without the db fixture pytest-django refuses any query, so this also proves
    # the page renders when the database is what broke.
    request = RequestFactory().get("/")  # no user, no session, no messages
    response = views.server_error(request)
    assert response.status_code == 500
    assert b"Server error (500)" in response.content


def test_500_page_survives_a_broken_template(settings, tmp_path, caplog):
    # Production's manifest storage before collectstatic has written a manifest:
    # the template's {% static %} raises "Missing staticfiles manifest entry".
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Server error (500)" in response.content
    assert b"manifest" not in response.content
    assert "The 500 page could not be rendered" in caplog.text
    assert "Missing staticfiles manifest entry" in caplog.text
