"""Login lockout (django-axes): a username from one address after a few failures,
a whole address only after many (a city hall behind one NAT), every attempt
logged, other users and other addresses unaffected, a clear 429 page, and the
network admin sees and lifts lockouts in the admin."""

import datetime
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories

LIMIT = 5
ADDRESS_LIMIT = 12
HOME = "192.0.2.10"  # documentation addresses (RFC 5737): never routed
ELSEWHERE = "198.51.100.20"
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_ADDRESS_FAILURE_LIMIT = ADDRESS_LIMIT
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


def test_failures_from_other_addresses_do_not_lock_the_owner_out(client, editor):
    for n in range(LIMIT):
        _log_in(client, "editor", "wrong", address=f"203.0.113.{n + 1}")
    _fail(client, "editor", LIMIT, address=ATTACKER)

    assert _log_in(client, "editor", "pw", address=ATTACKER).status_code == 429
    response = _log_in(client, "editor", "pw", address=HOME)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_nobody_locks_the_network_admin_out_from_elsewhere(client, db):
    admin_user = factories.user("staffer", role="network admin")
    _fail(client, "staffer", LIMIT * 2, address=ATTACKER)

    response = _log_in(client, "staffer", "pw", address=HOME, url=reverse("admin:login"))

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(admin_user.pk)


def test_colleagues_behind_one_address_are_not_locked_by_each_others_typos(
    client, editor, other_editor
):
    # 8 failures from the address: more than one username's limit, fewer than its own.
    for n in range(2):
        _fail(client, f"colleague{n}", LIMIT - 1, address=HOME)

    response = _log_in(client, "editor", "pw", address=HOME)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_address_is_locked_after_its_own_limit_for_many_usernames(client, editor, other_editor):
    for n in range(ADDRESS_LIMIT):
        _log_in(client, f"guess{n}", "wrong", address=HOME)

    from_home = _log_in(client, "editor", "pw", address=HOME)
    assert from_home.status_code == 429
    assert SESSION_KEY not in client.session

    from_elsewhere = _log_in(client, "editor", "pw", address=ELSEWHERE)
    assert from_elsewhere.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_address_below_its_limit_is_not_locked(client, editor):
    for n in range(ADDRESS_LIMIT - 1):
        _log_in(client, f"guess{n}", "wrong", address=HOME)

    assert _log_in(client, "editor", "pw", address=HOME).status_code == 302


def test_network_admin_sees_and_lifts_a_lockout_in_the_admin(client, editor, db):
    _fail(client, "editor", LIMIT, address=HOME)
    assert _log_in(client, "editor", "pw", address=HOME).status_code == 429
    attempt = AccessAttempt.objects.get(username="editor", ip_address=HOME)

    admin_client = Client()
    admin_client.force_login(factories.network_admin())
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert "editor" in page and HOME in page and "Locked Out" in page
    lifted = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert lifted.status_code == 302

    response = _log_in(client, "editor", "pw", address=HOME)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_the_citys_staff_do_not_see_the_lockouts(client, editor, moderator):
    client.force_login(moderator)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


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

    assert _log_in(client, "nobody", "wrong", address=HOME).status_code == 429
    # From elsewhere the guess is a failed login again, not the lockout page.
    assert _log_in(client, "nobody", "wrong", address=ELSEWHERE).status_code == 200


def test_the_readme_names_the_lockouts_page_as_the_admin_heads_it(db):
    """The README's trade-off section sends the network admin to the lockouts by the
    admin's own headings (the app is relabelled "Login attempts": core/login_attempts.py)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    with translation.override("en"):
        section = str(apps.get_app_config("axes").verbose_name)
        models = [str(m._meta.verbose_name_plural).capitalize() for m in (AccessAttempt, AccessLog)]
    assert f"*{section} › {models[0]}*" in readme
    assert f"*{models[1]}*" in readme
