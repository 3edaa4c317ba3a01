"""Login lockout (django-axes): by username and by address after a few failures,
every attempt logged, other users unaffected, and a clear 429 page."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests import factories

LIMIT = 5
HOME = "192.0.2.10"  # documentation addresses (RFC 5737): never routed
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def _log_in(client, username, password, address=HOME, url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, username, times, address=HOME):
    for _ in range(times):
        response = _log_in(client, username, "wrong", address)
        assert response.status_code in (200, 429)


def test_username_is_locked_after_failures_from_many_addresses(client, editor):
    for n in range(LIMIT):
        _log_in(client, "editor", "wrong", address=f"203.0.113.{n + 1}")

    response = _log_in(client, "editor", "pw", address=ELSEWHERE)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_address_is_locked_after_failures_for_many_usernames(client, editor, other_editor):
    for n in range(LIMIT):
        _log_in(client, f"guess{n}", "wrong", address=HOME)

    from_home = _log_in(client, "editor", "pw", address=HOME)
    assert from_home.status_code == 429
    assert SESSION_KEY not in client.session

    from_elsewhere = _log_in(client, "editor", "pw", address=ELSEWHERE)
    assert from_elsewhere.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_failures_below_the_limit_do_not_lock(client, editor):
    _fail(client, "editor", LIMIT - 1)

    response = _log_in(client, "editor", "pw")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_locked_account_refuses_even_the_right_password(client, editor):
    _fail(client, "editor", LIMIT)

    response = _log_in(client, "editor", "pw")

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_other_users_log_in_while_one_is_locked(client, editor, other_editor):
    _fail(client, "editor", LIMIT, address=HOME)

    response = _log_in(client, "editor-vratsa", "pw", address=ELSEWHERE)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other_editor.pk)


def test_lockout_page_says_what_happened_and_is_not_an_error(client, editor):
    _fail(client, "editor", LIMIT)

    response = _log_in(client, "editor", "pw")

    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed logins" in body
    assert "15 minutes" in body
    assert 'id="main"' in body  # in the site's layout
    assert "Traceback" not in body


def test_attempts_are_logged_with_username_and_address(client, editor):
    _fail(client, "editor", 2, address=HOME)
    _log_in(client, "editor", "pw", address=HOME)

    failures = AccessFailureLog.objects.filter(username="editor", ip_address=HOME)
    assert failures.count() == 2
    success = AccessLog.objects.get(username="editor")
    assert success.ip_address == HOME
    assert success.attempt_time is not None


def test_repeated_failures_are_counted(client, editor):
    _fail(client, "editor", 3, address=HOME)

    attempt = AccessAttempt.objects.get(username="editor", ip_address=HOME)
    assert attempt.failures_since_start == 3


def test_lockout_ends_after_the_cool_off(client, editor):
    _fail(client, "editor", LIMIT)
    assert _log_in(client, "editor", "pw").status_code == 429

    # Travel 16 minutes forward: the failures are older than the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = _log_in(client, "editor", "pw")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_successful_login_resets_the_count(client, editor):
    _fail(client, "editor", LIMIT - 1)
    assert _log_in(client, "editor", "pw").status_code == 302
    client.logout()
    _fail(client, "editor", LIMIT - 1)

    response = _log_in(client, "editor", "pw")

    assert response.status_code == 302


def test_admin_login_is_locked_too(client, db):
    factories.user("staffer", role="network admin")
    _fail(client, "staffer", LIMIT, address=HOME)

    response = _log_in(client, "staffer", "pw", url=reverse("admin:login"))

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_lockout_also_covers_unknown_usernames(client, db):
    _fail(client, "nobody", LIMIT, address=HOME)

    response = _log_in(client, "nobody", "wrong", address=ELSEWHERE)

    assert response.status_code == 429
