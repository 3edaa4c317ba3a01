"""The Action Table, the timeline and the moderator's cockpit on a 1366×768 laptop
and a 390×844 phone, in Bulgarian (issue 13): no page scrolls sideways, the row's
Edit button is in view; a saved row says so and the counts follow it without a
reload; Escape cancels; a removed row comes back from the Removed list."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from actions.history import action_history_entries
from actions.models import Action, Roadmap
from cities4csr import demo
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = (1366, 768), (390, 844)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _inside(page, locator) -> bool:
    """Whether ``locator`` lies within the viewport's width, scrolled into view."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.fixture
def demo_data():
    with override_settings(DEBUG=True):
        demo.load()
    return Roadmap.objects.get(city__name="Sofia")


def _check(page, url, name, failures, *, then=None):
    page.goto(url)
    if then:
        then(page)
    if not page.evaluate(FITS):
        width = page.evaluate("document.documentElement.scrollWidth")
        failures.append(f"{name}: the page is {width} px wide")


def _open_first_row(page):
    page.locator(".action-row .row-edit").first.click()
    page.locator(".edit-row form").wait_for()


def _open_filter(page):
    page.locator("#table-filter summary").click()


def _open_resource_totals(page):
    page.locator("#resource-totals summary").click()


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366x768", "390x844"])
def test_pages_fit_the_screen_in_bulgarian(page_for, live_server, demo_data, size):
    roadmap = demo_data
    meeting = roadmap.meetings.order_by("-number").first()
    base = live_server.url
    table = f"{base}{roadmap.get_absolute_url()}"
    failures: list[str] = []

    page = page_for(User.objects.get(username="editor"), language="bg", viewport=size)
    _check(page, f"{base}/", "dashboard", failures)
    _check(page, table, "Action Table", failures)
    assert page.locator("html").get_attribute("lang") == "bg"
    edit = page.locator(".action-row .row-edit").first
    assert edit.inner_text() == "Редактирай"
    if not _inside(page, edit):
        failures.append("Action Table: the first row's Edit button is off-screen")
    _check(page, table, "Action Table with a row in edit", failures, then=_open_first_row)
    if not _inside(page, page.locator(".edit-row button[type=submit]")):
        failures.append("row in edit: Save is off-screen")
    _check(page, table, "filter open", failures, then=_open_filter)
    _check(page, f"{base}/roadmaps/{roadmap.pk}/timeline/", "timeline", failures)

    page = page_for(User.objects.get(username="moderator"), language="bg", viewport=size)
    _check(page, f"{base}{meeting.get_absolute_url()}", "meeting page", failures)
    _check(page, f"{base}/admin/meetings/meeting/{meeting.pk}/change/", "meeting admin", failures)
    assert page.locator(".cockpit-tabs [role=tab]").count() == 4
    _check(page, f"{base}/admin/meetings/meeting/", "meeting list in the admin", failures)
    assert failures == []


@pytest.fixture
def rows(sofia_roadmap):
    challenge = factories.challenge(sofia_roadmap, title="Приобщаване")
    first = factories.action(sofia_roadmap, challenge=challenge, title="Училищна програма")
    second = factories.action(sofia_roadmap, challenge=challenge, title="Зелени покриви")
    return first, second


def test_saved_row_says_so_and_the_counts_follow_without_a_reload(
    page_for, live_server, editor, sofia_roadmap, rows
):
    page = page_for(editor, language="bg", viewport=LAPTOP)
    page.goto(f"{live_server.url}{sofia_roadmap.get_absolute_url()}")
    page.evaluate("window.__stillThisPage = true")
    counts = page.locator("#completeness")
    assert "в изпълнение" not in counts.inner_text()
    row = page.locator(f"#action-{rows[1].pk}")
    row.locator(".row-edit").click()
    row.locator("form.row-edit-form").wait_for()
    row.get_by_label("Статус").select_option("in_progress")
    row.get_by_role("button", name="Запиши").click()
    page.locator(f"#action-{rows[1].pk} .row-flash-message").wait_for()
    assert page.locator(f"#action-{rows[1].pk} .row-flash-message").inner_text() == "Запазено"
    assert "в изпълнение: 1" in counts.inner_text()
    assert "Запазено" in page.locator("#table-status").inner_text()
    assert page.evaluate("window.__stillThisPage") is True
    # The first row of its challenge offers no ↑, the last no ↓.
    first, last = page.locator(f"#action-{rows[0].pk}"), page.locator(f"#action-{rows[1].pk}")
    assert first.locator("button[value=up]").count() == 0
    assert last.locator("button[value=down]").count() == 0
    # ↓ in place: the rows swap without a reload, and the moved row says so.
    first.locator("button[value=down]").click()
    page.locator(f"#action-{rows[0].pk}.flash").wait_for()
    ids = page.locator(".action-row").evaluate_all("rows => rows.map(row => row.id)")
    assert ids == [f"action-{rows[1].pk}", f"action-{rows[0].pk}"]
    assert page.evaluate("window.__stillThisPage") is True


def test_escape_cancels_and_one_row_is_in_edit_at_a_time(
    page_for, live_server, editor, sofia_roadmap, rows
):
    page = page_for(editor, language="bg", viewport=LAPTOP)
    page.goto(f"{live_server.url}{sofia_roadmap.get_absolute_url()}")
    first = page.locator(f"#action-{rows[0].pk}")
    first.locator(".row-edit").click()
    first.locator("form.row-edit-form").wait_for()
    page.locator(f"#action-{rows[1].pk} .row-edit").click()
    page.locator(f"#action-{rows[1].pk} form.row-edit-form").wait_for()
    page.locator(f"#action-{rows[0].pk} .row-edit").wait_for()
    # htmx settles a swapped row with its old attributes for a moment (its class
    # included), so the row in edit is waited for by its class before counting.
    page.locator(f"#action-{rows[1].pk}.edit-row").wait_for()
    assert page.locator(".edit-row").count() == 1
    title = page.locator(f"#action-{rows[1].pk}").get_by_role("textbox", name="Заглавие")
    title.fill("Не е запазено")
    page.once("dialog", lambda dialog: dialog.accept())
    title.press("Escape")
    page.locator(f"#action-{rows[1].pk} .row-edit").wait_for()
    page.locator(".edit-row").wait_for(state="detached")
    assert Action.objects.get(pk=rows[1].pk).title == "Зелени покриви"


def test_removed_row_comes_back_from_the_removed_list_with_its_history(
    page_for, live_server, editor, sofia_roadmap, rows
):
    removed = rows[1]
    page = page_for(editor, language="bg", viewport=PHONE)
    page.goto(f"{live_server.url}{sofia_roadmap.get_absolute_url()}")
    page.locator(f"#action-{removed.pk}").get_by_role("link", name="Премахни").click()
    page.get_by_role("button", name="Премахни").click()
    page.locator(".alert a.alert-link").click()
    page.locator(f"#removed-{removed.pk} button").click()
    restored = page.locator(f"#action-{removed.pk}.flash")
    restored.wait_for()
    assert "Зелени покриви" in restored.inner_text()
    assert page.evaluate(FITS)
    action = Action.objects.get(pk=removed.pk)
    assert action.version == 2
    # Newest first: put back (a new version), removed, first added.
    kinds = [str(entry.kind) for entry in action_history_entries(action)]
    assert kinds == ["created", "removed", "created"]
