"""The action page's Resources on a phone (390×844): a pledge's delivery form stays
on the screen, though it sits in a row of the pledges' table, which scrolls
sideways there (its fields ran 340 px past the screen's edge)."""

from decimal import Decimal

import pytest

from actions.models import Pledge, Roadmap
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_the_delivery_form_of_a_pledge_stays_on_the_screen(
    page_for, live_server, sofia, sofia_roadmap, sofia_company, partner, width
):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    action = factories.action(
        sofia_roadmap, title="Mentoring programme", key_partners=[sofia_company]
    )
    Pledge.objects.create(
        action=action,
        organisation=sofia_company,
        kind="volunteer_hours",
        amount=Decimal("1500.5"),
        unit="hours",
        description="Mentors from the company's own staff, two afternoons a month",
    )
    page = page_for(partner, language="bg", viewport=(width, 844 if width == 390 else 768))
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    page.locator(".delivery-form-row summary").click()
    form = page.locator(".delivery-form-row form")
    form.scroll_into_view_if_needed()
    for field in form.locator("input:not([type=hidden]), textarea, button").all():
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, field.get_attribute("name")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
