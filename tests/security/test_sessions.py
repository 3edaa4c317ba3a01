"""Sessions end when they should: at logout, when the user is deactivated, when
the password changes (elsewhere), after inactivity, and after a working day."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from core import security
from tests import factories


def _session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _client_with_session(session_key: str) -> Client:
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return other


def _is_signed_in(client) -> bool:
    response = client.get(reverse("dashboard"))
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    return False


@pytest.fixture
def clock(monkeypatch):
    """Travel in time as the inactivity middleware sees it."""

    class Clock:
        moment = 1_900_000_000.0

        def advance(self, seconds: float) -> None:
            self.moment += seconds

    travelling = Clock()
    monkeypatch.setattr(security, "now", lambda: travelling.moment)
    return travelling


def test_logout_ends_the_session_for_whoever_holds_its_key(client, editor):
    client.force_login(editor)
    old_key = _session_cookie(client)
    assert _is_signed_in(_client_with_session(old_key))

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not _is_signed_in(client)
    # A copy of the old cookie (a stolen one, say) opens nothing either.
    assert not _is_signed_in(_client_with_session(old_key))


def test_logout_needs_a_post(client, editor):
    client.force_login(editor)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert _is_signed_in(client)


def test_deactivated_user_is_signed_out_on_the_next_request(client, editor, sofia_roadmap):
    client.force_login(editor)
    assert _is_signed_in(client)

    editor.is_active = False
    editor.save()

    assert not _is_signed_in(client)
    response = client.get(reverse("actions:roadmap", args=[sofia_roadmap.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_deactivated_user_cannot_log_in_again(client, editor):
    editor.is_active = False
    editor.save()
    response = client.post(reverse("login"), {"username": "editor", "password": "pw"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_password_change_ends_the_users_other_sessions(editor):
    laptop, phone = Client(), Client()
    laptop.force_login(editor)
    phone.force_login(editor)
    assert _is_signed_in(laptop) and _is_signed_in(phone)

    # Changed on the laptop (the admin's own password form, open to staff).
    response = laptop.post(
        reverse("admin:password_change"),
        {
            "old_password": "pw",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert _is_signed_in(laptop)  # the session that changed it goes on
    assert not _is_signed_in(phone)


def test_password_reset_by_the_network_admin_ends_every_session(client, editor):
    client.force_login(editor)
    assert _is_signed_in(client)

    editor.set_password("reset-by-the-network-admin-7")
    editor.save()

    assert not _is_signed_in(client)


def test_activity_keeps_the_session(client, editor, clock, settings):
    settings.INACTIVITY_TIMEOUT = 30 * 60
    client.force_login(editor)
    for _ in range(6):  # an hour and a half, a page every quarter of an hour
        clock.advance(15 * 60)
        assert _is_signed_in(client)


def test_inactivity_ends_the_session(client, editor, clock, settings):
    settings.INACTIVITY_TIMEOUT = 30 * 60
    client.force_login(editor)
    assert _is_signed_in(client)
    session_key = _session_cookie(client)

    clock.advance(30 * 60 + 1)
    response = client.get(reverse("dashboard"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "logged out after 30 minutes without activity" in response.content.decode()
    assert SESSION_KEY not in client.session
    # The old session is gone, not only forgotten by this client.
    clock.advance(1)
    assert not _is_signed_in(_client_with_session(session_key))


def test_inactivity_timeout_follows_the_setting(client, editor, clock, settings):
    settings.INACTIVITY_TIMEOUT = 5 * 60
    client.force_login(editor)
    clock.advance(4 * 60)
    assert _is_signed_in(client)
    clock.advance(5 * 60 + 1)
    assert not _is_signed_in(client)


def test_idle_session_timestamps_in_the_past_end_the_session(client, editor, settings):
    """Without a patched clock: a session last seen 31 minutes ago is over."""
    import time

    settings.INACTIVITY_TIMEOUT = 30 * 60
    client.force_login(editor)
    session = client.session
    session[security.LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()

    assert not _is_signed_in(client)


def test_a_session_ends_after_a_working_day_however_active(client, editor, clock, settings):
    settings.INACTIVITY_TIMEOUT = 30 * 60
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client.force_login(editor)
    for _ in range(8 * 4 - 1):
        clock.advance(15 * 60)
        assert _is_signed_in(client)
    clock.advance(15 * 60 + 1)

    assert not _is_signed_in(client)


def test_pages_seen_within_a_minute_write_no_session(client, editor, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    clock.advance(30)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("actions:roadmap_list"))
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"]]


def test_anonymous_visitors_are_not_tracked(client, db):
    client.get(reverse("login"))
    assert security.LAST_SEEN_KEY not in client.session


# --- htmx requests after the session ended --------------------------------------
# htmx's XMLHttpRequest would follow a 302 and swap the login page into the row:
# an htmx request is told to load the login page as a whole page instead.


@pytest.fixture
def sofia_row(sofia_roadmap):
    return factories.action(sofia_roadmap, title="CSR awards")


def _page(roadmap) -> str:
    return f"http://testserver{reverse('actions:roadmap', args=[roadmap.pk])}?due=overdue"


def _login_url(next_path: str) -> str:
    return f"{reverse('login')}?{urlencode({'next': next_path}, safe='/')}"


def test_htmx_request_after_inactivity_is_sent_to_log_in_from_the_page(
    client, editor, clock, settings, sofia_roadmap, sofia_row
):
    settings.INACTIVITY_TIMEOUT = 30 * 60
    client.force_login(editor)
    clock.advance(30 * 60 + 1)

    response = client.get(
        reverse("actions:action_edit", args=[sofia_row.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": _page(sofia_roadmap)},
    )

    assert response.status_code == 204
    assert response.content == b""
    page = reverse("actions:roadmap", args=[sofia_roadmap.pk]) + "?due=overdue"
    assert response["HX-Redirect"] == _login_url(page)
    assert "HX-Request" in response["Vary"]
    # The login page the browser then loads says why.
    login_page = client.get(response["HX-Redirect"]).content.decode()
    assert "logged out after 30 minutes without activity" in login_page


def test_htmx_save_after_inactivity_changes_nothing_and_is_sent_to_log_in(
    client, editor, clock, settings, sofia_roadmap, sofia_row
):
    settings.INACTIVITY_TIMEOUT = 30 * 60
    client.force_login(editor)
    clock.advance(30 * 60 + 1)

    response = client.post(
        reverse("actions:action_edit", args=[sofia_row.pk]),
        {"title": "Changed after the timeout", "version": sofia_row.version},
        headers={"HX-Request": "true", "HX-Current-URL": _page(sofia_roadmap)},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login") + "?next=")
    sofia_row.refresh_from_db()
    assert sofia_row.title == "CSR awards"


def test_htmx_request_without_the_current_url_comes_back_to_its_own_url(client, sofia_row):
    url = reverse("actions:action_row", args=[sofia_row.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == _login_url(url)


def test_htmx_current_url_of_another_site_is_not_where_login_leads(client, sofia_row):
    url = reverse("actions:action_row", args=[sofia_row.pk])
    response = client.get(
        url, headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/phish"}
    )
    assert response["HX-Redirect"] == _login_url(url)


def test_htmx_request_to_a_login_required_page_is_sent_to_log_in(client, db):
    response = client.get(
        reverse("dashboard"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/meetings/"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == _login_url("/meetings/")


def test_ordinary_request_still_gets_the_redirect(client, sofia_row):
    url = reverse("actions:action_row", args=[sofia_row.pk])
    response = client.get(url, headers={"HX-Current-URL": "http://testserver/meetings/"})
    assert response.status_code == 302
    assert response["Location"] == _login_url(url)
    assert "HX-Redirect" not in response
    assert "HX-Request" in response["Vary"]
