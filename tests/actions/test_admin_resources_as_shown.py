"""The action's and the pledge's admin pages saved as a browser sends them, read
from the page the user was shown: their resource rows (funding lines, pledges,
deliveries) carry the version they were opened at, which the services check.
The page left it out, and every save of an action with a funding line or a
pledge was refused as "someone else saved this record" (the walk of issue 14)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import Delivery, FundingLine, Pledge
from tests import factories
from tests.security.test_admin_stale_saves import changed, opened_form

D = Decimal


@pytest.fixture
def resources(sofia_roadmap, sofia_company):
    row = factories.action(
        sofia_roadmap, title="Volunteering platform", lead_partner=sofia_company, budget=D(5000)
    )
    line = FundingLine.objects.create(
        action=row, funder=sofia_company, amount=D(2000), currency="EUR", status="secured"
    )
    pledge = Pledge.objects.create(
        action=row, organisation=sofia_company, kind="cash", amount=D(1000), unit="EUR"
    )
    delivery = Delivery.objects.create(pledge=pledge, amount=D(400))
    return {"row": row, "line": line, "pledge": pledge, "delivery": delivery}


def _saved(response) -> bool:
    return response.status_code == 302


def test_the_action_page_saves_as_shown_and_with_its_resources_changed(client, editor, resources):
    client.force_login(editor)
    row = resources["row"]
    url = reverse("admin:actions_action_change", args=[row.pk])
    form = opened_form(client, url, row)
    assert form["pledges-0-version"] == "1" and form["funding_lines-0-version"] == "1"
    assert _saved(client.post(url, form))
    form = opened_form(client, url, row)
    assert _saved(
        client.post(
            url, changed(form, **{"pledges-0-amount": "1 500", "funding_lines-0-amount": "3 000"})
        )
    )
    resources["pledge"].refresh_from_db()
    resources["line"].refresh_from_db()
    assert (resources["pledge"].amount, resources["line"].amount) == (D(1500), D(3000))


def test_the_pledge_page_saves_as_shown_and_with_its_delivery_changed(client, editor, resources):
    client.force_login(editor)
    pledge = resources["pledge"]
    url = reverse("admin:actions_pledge_change", args=[pledge.pk])
    form = opened_form(client, url, pledge)
    assert form["deliveries-0-version"] == "1"
    assert _saved(client.post(url, form))
    form = opened_form(client, url, pledge)
    assert _saved(client.post(url, changed(form, **{"deliveries-0-amount": "450"})))
    resources["delivery"].refresh_from_db()
    assert resources["delivery"].amount == D(450)


def test_a_row_saved_elsewhere_since_the_page_was_opened_is_still_refused(
    client, editor, resources
):
    client.force_login(editor)
    row = resources["row"]
    url = reverse("admin:actions_action_change", args=[row.pk])
    form = opened_form(client, url, row)
    Pledge.objects.filter(pk=resources["pledge"].pk).update(version=2, amount=D(1200))
    response = client.post(url, changed(form, **{"pledges-0-amount": "1 500"}))
    assert response.status_code == 200
    resources["pledge"].refresh_from_db()
    assert resources["pledge"].amount == D(1200)
