"""The Action Table in pages, in a browser at 1366 x 768: the next page comes in
place (htmx) with its address in the history, and a row of page two is edited and
moved there without leaving it."""

import re

import pytest

from actions.views.table_pages import PER_PAGE
from tests import factories
from tests.actions.test_table_pages import bulk_fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = (1366, 768)


@pytest.fixture
def big_roadmap(sofia, sofia_company, sofia_roadmap):
    organisations = [sofia_company, factories.organisation(sofia), factories.organisation(sofia)]
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    return sofia_roadmap


def _open_table(page, live_server, roadmap, query=""):
    page.goto(f"{live_server.url}{roadmap.get_absolute_url()}{query}")
    # A marker that a full page load would wipe: swaps in place must keep it.
    page.evaluate("window.__stillThisPage = true")


def test_the_next_page_comes_in_place_and_back_goes_back(
    page_for, live_server, editor, big_roadmap
):
    page = page_for(editor, viewport=LAPTOP)
    _open_table(page, live_server, big_roadmap)
    assert page.locator("tr.action-row").count() == PER_PAGE
    page.locator("a.table-next-page").click()
    page.get_by_role("link", name="Row 00100", exact=True).wait_for()
    assert page.evaluate("window.__stillThisPage") is True
    assert re.search(r"[?&]page=2$", page.url)
    assert page.locator("tr.action-row").count() == PER_PAGE
    assert page.get_by_role("link", name="Row 00099", exact=True).count() == 0
    assert "Rows 101–200 of 250." in page.locator("#table-page-rows").inner_text()
    # The screen reader hears the page; focus is at the table, in view.
    assert "Page 2 of 3" in page.locator("#table-status").inner_text()
    assert page.evaluate("document.activeElement.id") == "table-of-actions"
    page.go_back()
    page.get_by_role("link", name="Row 00000", exact=True).wait_for()
    assert not re.search(r"page=", page.url)


def test_a_row_on_page_two_is_edited_and_moved_there(page_for, live_server, editor, big_roadmap):
    row = big_roadmap.actions.in_table_order()[PER_PAGE + 3]
    page = page_for(editor, viewport=LAPTOP)
    _open_table(page, live_server, big_roadmap, "?page=2")
    tr = page.locator(f"#action-{row.pk}")
    tr.get_by_role("link", name="Edit ", exact=False).first.click()
    page.locator(f"#action-{row.pk} form.row-edit-form").wait_for()
    tr.get_by_role("textbox", name="Title", exact=True).fill("Edited on page two")
    page.get_by_role("button", name="Save").click()
    tr.get_by_role("link", name="Edited on page two", exact=True).wait_for()
    assert page.evaluate("window.__stillThisPage") is True
    assert re.search(r"[?&]page=2$", page.url)
    row.refresh_from_db()
    assert row.title == "Edited on page two"
    # The first row of page two moved up lands last on page one: the table and its
    # address follow it there.
    first_of_two = big_roadmap.actions.in_table_order()[PER_PAGE]
    page.locator(f"#action-{first_of_two.pk}").get_by_role("button", name="Move up").click()
    page.locator(f"#action-{first_of_two.pk}.flash").wait_for()
    page.get_by_role("link", name="Row 00000", exact=True).wait_for()
    assert page.evaluate("window.__stillThisPage") is True
    assert not re.search(r"page=", page.url)
    assert page.locator("tr.action-row").last.get_attribute("id") == f"action-{first_of_two.pk}"
