"""What only a browser shows: editing a row in place, errors in the row, the
conflict message, a partner's read-only table, the language switch."""

import pytest

from actions.models import Action
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def row(sofia_roadmap):
    return factories.school_programme(sofia_roadmap)


def _open_table(page, live_server, roadmap):
    page.goto(f"{live_server.url}{roadmap.get_absolute_url()}")
    # A marker that a full page load would wipe: in-place edits must keep it.
    page.evaluate("window.__stillThisPage = true")


def _open_row_editor(page, row):
    page.locator(f"#action-{row.pk}").get_by_role("link", name="Edit ", exact=False).first.click()
    page.locator(f"#action-{row.pk} form.row-edit-form").wait_for()


def test_editor_edits_a_row_in_place(page_for, live_server, editor, row, sofia_roadmap):
    page = page_for(editor)
    _open_table(page, live_server, sofia_roadmap)
    _open_row_editor(page, row)
    page.locator(f"#action-{row.pk}").get_by_role("textbox", name="Title", exact=True).fill(
        "School CSR programme"
    )
    page.get_by_role("button", name="Save").click()
    saved_row = page.locator(f"#action-{row.pk}")
    saved_row.get_by_role("link", name="School CSR programme", exact=True).wait_for()
    assert page.evaluate("window.__stillThisPage") is True
    # Focus comes back to the saved row, for keyboard users.
    assert page.evaluate("document.activeElement.closest('tr').id") == f"action-{row.pk}"
    row.refresh_from_db()
    assert (row.title, row.version) == ("School CSR programme", 2)


def test_saving_a_budget_in_place_updates_the_open_resource_totals(
    page_for, live_server, editor, row, sofia_roadmap
):
    Action.objects.filter(pk=row.pk).update(budget=1000, currency="EUR")
    page = page_for(editor)
    _open_table(page, live_server, sofia_roadmap)
    totals = page.locator("#resource-totals")
    totals.locator("summary").click()
    assert totals.evaluate("details => details.open") is True
    _open_row_editor(page, row)
    page.locator(f"#action-{row.pk}").get_by_label("Estimated budget").fill("2500")
    page.get_by_role("button", name="Save").click()
    page.locator("#resource-totals .resource-total", has_text="2,500").wait_for()
    assert "2,500" in totals.locator("summary").inner_text()
    # The tables came whole: a row per challenge and the roadmap's total.
    assert totals.locator("tbody tr").count() == 1
    # Swapped out of band, in the same page, still open as the user left it.
    assert page.evaluate("window.__stillThisPage") is True
    assert totals.evaluate("details => details.open") is True


def test_editor_edits_with_the_keyboard(page_for, live_server, editor, row, sofia_roadmap):
    page = page_for(editor)
    _open_table(page, live_server, sofia_roadmap)
    page.locator(f"#action-{row.pk}").get_by_role("link", name="Edit").focus()
    page.keyboard.press("Enter")
    page.locator(f"#action-{row.pk} form.row-edit-form").wait_for()
    page.locator(f"#action-{row.pk}").get_by_label("Progress (%)").fill("35")
    page.locator(f"#action-{row.pk}").get_by_label("Progress (%)").press("Enter")
    page.locator(f"#action-{row.pk} progress[value='35']").wait_for()
    row.refresh_from_db()
    assert row.progress == 35


def test_validation_error_shows_in_the_row(page_for, live_server, editor, row, sofia_roadmap):
    page = page_for(editor)
    _open_table(page, live_server, sofia_roadmap)
    _open_row_editor(page, row)
    page.locator(f"#action-{row.pk}").get_by_role("textbox", name="Title", exact=True).fill(
        "Kept title"
    )
    page.locator(f"#action-{row.pk}").get_by_label("Start").fill("2024-05-01")
    page.locator(f"#action-{row.pk}").get_by_label("Deadline").fill("2024-04-01")
    page.get_by_role("button", name="Save").click()
    error = page.locator(f"#action-{row.pk} .invalid-feedback")
    error.wait_for()
    assert "The deadline cannot be before the start." in error.inner_text()
    assert (
        page.locator(f"#action-{row.pk}")
        .get_by_role("textbox", name="Title", exact=True)
        .input_value()
        == "Kept title"
    )
    assert page.evaluate("window.__stillThisPage") is True
    row.refresh_from_db()
    assert row.title == "School programme"


def test_second_editor_meets_the_conflict_message(
    page_for, live_server, editor, moderator, row, sofia_roadmap
):
    first, second = page_for(editor), page_for(moderator)
    for page in (first, second):
        _open_table(page, live_server, sofia_roadmap)
        _open_row_editor(page, row)
    first.locator(f"#action-{row.pk}").get_by_role("textbox", name="Title", exact=True).fill(
        "Editor's title"
    )
    first.get_by_role("button", name="Save").click()
    first.locator(f"#action-{row.pk}").get_by_role(
        "link", name="Editor's title", exact=True
    ).wait_for()

    second.locator(f"#action-{row.pk}").get_by_role("textbox", name="Title", exact=True).fill(
        "Moderator's title"
    )
    second.get_by_role("button", name="Save").click()
    conflict = second.locator(f"#action-{row.pk} .conflict")
    conflict.wait_for()
    text = conflict.inner_text()
    assert "Nothing was overwritten" in text
    assert "Editor's title" in text and "Moderator's title" in text
    row.refresh_from_db()
    assert row.title == "Editor's title"

    # Saving again puts the moderator's values over the editor's, knowingly.
    second.get_by_role("button", name="Save").click()
    second.locator(f"#action-{row.pk}").get_by_role(
        "link", name="Moderator's title", exact=True
    ).wait_for()
    row.refresh_from_db()
    assert (row.title, row.version) == ("Moderator's title", 3)


def test_cancel_puts_the_row_back(page_for, live_server, editor, row, sofia_roadmap):
    page = page_for(editor)
    _open_table(page, live_server, sofia_roadmap)
    _open_row_editor(page, row)
    page.locator(f"#action-{row.pk}").get_by_role("textbox", name="Title", exact=True).fill(
        "Not saved"
    )
    page.locator(f"#action-{row.pk}").get_by_role("link", name="Cancel").click()
    page.locator(f"#action-{row.pk}").get_by_role(
        "link", name="School programme", exact=True
    ).wait_for()
    assert Action.objects.get(pk=row.pk).title == "School programme"


def test_key_partners_list_can_be_searched(
    page_for, live_server, editor, row, sofia_roadmap, sofia
):
    factories.organisation(sofia, "Denkstatt Bulgaria", kind="consultancy")
    factories.organisation(sofia, "Bulgarian Chamber of Commerce", kind="chamber")
    page = page_for(editor)
    _open_table(page, live_server, sofia_roadmap)
    _open_row_editor(page, row)
    select = page.locator(f"#action-{row.pk} select[name=key_partners]")
    filter_box = page.locator(f"#action-{row.pk} input[type=search]")
    filter_box.fill("denk")
    visible = select.evaluate("s => Array.from(s.options).filter(o => !o.hidden).map(o => o.text)")
    assert visible == ["Denkstatt Bulgaria"]


def test_partner_sees_no_edit_controls(page_for, live_server, partner, row, sofia_roadmap):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    page = page_for(partner)
    _open_table(page, live_server, sofia_roadmap)
    table_row = page.locator(f"#action-{row.pk}")
    table_row.get_by_role("link", name="School programme", exact=True).wait_for()
    assert table_row.get_by_role("link", name="Edit").count() == 0
    assert page.get_by_role("link", name="Add action").count() == 0
    assert table_row.locator("form").count() == 0


def test_language_switch(page_for, live_server, editor, row, sofia_roadmap):
    page = page_for(editor, language="en")
    page.goto(f"{live_server.url}{sofia_roadmap.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="български").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "bg"
    assert page.url.endswith(sofia_roadmap.get_absolute_url())
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
