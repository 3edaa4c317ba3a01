"""A session that ends while a row is open (issue 13): what the editor typed is
not lost. Save lands on the login page; the login comes back to the table with
the row open again, holding the typed values and saying they are not saved yet.
Driven as a user would: the session row is deleted (as its expiry would), then
the real login form."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from actions.models import Action
from core import security
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = (1366, 768), (390, 844)


@pytest.fixture
def row(sofia_roadmap):
    return factories.school_programme(sofia_roadmap)


def _log_in_again(page, user):
    page.wait_for_url("**/accounts/login/**")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill("pw")
    page.locator("input[name=password]").press("Enter")


def _expire_sessions(how: str = "gone"):
    if how == "gone":
        # What the end of SESSION_COOKIE_AGE does: the browser's cookie names no session.
        Session.objects.all().delete()
        return
    # Idle past INACTIVITY_TIMEOUT (over lunch): the next request logs the user out
    # (core.security.InactivityTimeoutMiddleware) and goes on as an anonymous one.
    for key in Session.objects.values_list("session_key", flat=True):
        session = SessionStore(session_key=key)
        session[security.LAST_SEEN_KEY] = time.time() - 31 * 60
        session.save()


@pytest.mark.parametrize(
    "size, how",
    [(LAPTOP, "gone"), (PHONE, "gone"), (LAPTOP, "idle")],
    ids=["1366x768-expired", "390x844-expired", "1366x768-idle"],
)
def test_typed_row_survives_an_expired_session_and_the_login(
    page_for, live_server, editor, row, sofia_roadmap, size, how, settings
):
    settings.INACTIVITY_TIMEOUT = 30 * 60
    table = f"{live_server.url}{sofia_roadmap.get_absolute_url()}"
    page = page_for(editor, language="bg", viewport=size)
    page.goto(table)
    page.locator(f"#action-{row.pk} .row-edit").click()
    form = page.locator(f"#action-{row.pk} form.row-edit-form")
    form.wait_for()
    form.get_by_role("textbox", name="Заглавие").fill("Написано преди обяда")
    form.get_by_role("textbox", name="Описание").fill("Дълъг текст, писан половин час")

    _expire_sessions(how)
    form.get_by_role("button", name="Запиши").click()
    if how == "idle":
        page.wait_for_url("**/accounts/login/**")
        assert "30 минути" in page.locator("body").inner_text()
    _log_in_again(page, editor)

    page.wait_for_url(table)
    form = page.locator(f"#action-{row.pk} form.row-edit-form")
    form.wait_for()
    assert form.get_by_role("textbox", name="Заглавие").input_value() == "Написано преди обяда"
    assert (
        form.get_by_role("textbox", name="Описание").input_value()
        == "Дълъг текст, писан половин час"
    )
    assert page.locator(f"#action-{row.pk} .alert-warning").is_visible()
    row.refresh_from_db()
    assert (row.title, row.version) == ("School programme", 1)

    # Saved now, in place, as any edit.
    form.get_by_role("button", name="Запиши").click()
    page.locator(f"#action-{row.pk} .row-flash-message").wait_for()
    row.refresh_from_db()
    assert (row.title, row.version) == ("Написано преди обяда", 2)


def test_typed_edit_page_survives_an_expired_session_and_the_login(
    page_for, live_server, editor, row
):
    """The row's own edit page (without htmx): the same, on its page."""
    edit = f"{live_server.url}/actions/{row.pk}/edit/"
    page = page_for(editor, language="bg", viewport=PHONE)
    page.goto(edit)
    page.get_by_role("textbox", name="Заглавие").fill("Писано на телефона")

    _expire_sessions()
    page.get_by_role("button", name="Запиши").click()
    _log_in_again(page, editor)

    page.wait_for_url(edit)
    assert page.get_by_role("textbox", name="Заглавие").input_value() == "Писано на телефона"
    assert page.locator(".alert-warning").is_visible()
    assert Action.objects.get(pk=row.pk).version == 1
    page.get_by_role("button", name="Запиши").click()
    page.wait_for_url(lambda url: url != edit)
    assert Action.objects.get(pk=row.pk).title == "Писано на телефона"
