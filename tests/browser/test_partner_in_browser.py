"""A partner updates their own action in place (issue 16), on a 1366 x 768 laptop:
the same row as the staff edit, with only the status, the progress and the
indicators' current values in it."""

from decimal import Decimal

import pytest

from actions.models import Action, Indicator
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ours(sofia_roadmap, sofia_company):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    row = factories.action(sofia_roadmap, title="School programme", lead_partner=sofia_company)
    factories.indicator(row, name="Schools reached", target=12, current=2)
    return row


def test_partner_updates_progress_in_place(page_for, live_server, partner, ours, sofia_roadmap):
    theirs = factories.action(sofia_roadmap, title="Urban greening")
    page = page_for(partner, viewport=(1366, 768))
    page.goto(f"{live_server.url}{sofia_roadmap.get_absolute_url()}")
    page.evaluate("window.__stillThisPage = true")
    assert page.locator(f"#action-{theirs.pk}").get_by_role("link", name="Update").count() == 0
    row = page.locator(f"#action-{ours.pk}")
    button = row.get_by_role("link", name="Edit School programme")
    assert button.inner_text() == "Update progress"
    assert button.is_visible()
    button.click()
    form = page.locator(f"#action-{ours.pk} form.row-edit-form")
    form.wait_for()
    # Theirs to change: status, progress, the indicator's value; no title, no partners.
    assert form.get_by_role("textbox", name="Title").count() == 0
    assert form.locator("select[name=key_partners]").count() == 0
    form.get_by_label("Status").select_option("in_progress")
    form.get_by_label("Progress (%)").fill("45")
    form.get_by_label("Schools reached: current value").fill("5")
    assert form.get_by_role("button", name="Save").is_visible()
    form.get_by_role("button", name="Save").click()
    page.locator(f"#action-{ours.pk} progress[value='45']").wait_for()
    assert page.evaluate("window.__stillThisPage") is True
    ours.refresh_from_db()
    assert (ours.status, ours.progress) == (Action.Status.IN_PROGRESS, 45)
    assert Indicator.objects.get(action=ours).current == Decimal(5)
    assert ours.history.first().history_user == partner
