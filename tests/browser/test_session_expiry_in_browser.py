"""A session that ends while a row is open (issue 13): what the editor typed is
not lost. Save lands on the login page; the login comes back to the table with
the row open again, holding the typed values and saying they are not saved yet.
Driven as a user would: the session row is deleted (as its expiry would), then
the real login form."""

import pytest
from django.contrib.sessions.models import Session

from actions.models import Action
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


def _expire_sessions():
    # What the end of SESSION_COOKIE_AGE does: the browser's cookie names no session.
    Session.objects.all().delete()


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366x768", "390x844"])
def test_typed_row_survives_an_expired_session_and_the_login(
    page_for, live_server, editor, row, sofia_roadmap, size
):
    table = f"{live_server.url}{sofia_roadmap.get_absolute_url()}"
    page = page_for(editor, language="bg", viewport=size)
    page.goto(table)
    page.locator(f"#action-{row.pk} .row-edit").click()
    form = page.locator(f"#action-{row.pk} form.row-edit-form")
    form.wait_for()
    form.get_by_role("textbox", name="Заглавие").fill("Написано преди обяда")
    form.get_by_role("textbox", name="Описание").fill("Дълъг текст, писан половин час")

    _expire_sessions()
    form.get_by_role("button", name="Запиши").click()
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
