"""Partners record deliveries against their own organisation's pledges and add
pledges of their organisation to the actions it leads or partners (issue 16),
from the action page's Resources section; the city's staff do it for anybody."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from actions import services
from actions.models import Delivery, Pledge, Roadmap
from tests import factories

D = Decimal


@pytest.fixture
def scene(sofia, sofia_roadmap, sofia_company, vratsa):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    ngo = factories.organisation(sofia, "Green NGO", kind="ngo")
    ours = factories.action(
        sofia_roadmap, title="School programme", key_partners=[sofia_company, ngo]
    )
    theirs = factories.action(sofia_roadmap, title="Urban greening", lead_partner=ngo)
    own_pledge = Pledge.objects.create(
        action=ours, organisation=sofia_company, kind="volunteer_hours", amount=D(8), unit="hours"
    )
    ngo_pledge = Pledge.objects.create(
        action=ours, organisation=ngo, kind="cash", amount=D(100), unit="EUR"
    )
    return {
        "ours": ours,
        "theirs": theirs,
        "ngo": ngo,
        "own_pledge": own_pledge,
        "ngo_pledge": ngo_pledge,
        "ngo_partner": factories.user("ngo-partner", role="partner", organisation_=ngo),
        "shared_partner": factories.user(
            "shared-partner",
            role="partner",
            organisation_=factories.shared_organisation(sofia, vratsa),
        ),
    }


def _delivery_url(pledge) -> str:
    return reverse("actions:delivery_create", args=[pledge.pk])


def _pledge_url(action) -> str:
    return reverse("actions:pledge_create", args=[action.pk])


def _delivery(pledge, amount="3", **extra) -> dict:
    prefix = f"delivery{pledge.pk}"
    return {f"{prefix}-amount": amount, f"{prefix}-date": "2026-05-01", **extra}


def _pledge(**extra) -> dict:
    return {
        "pledge-kind": "pro_bono",
        "pledge-amount": "12",
        "pledge-unit": "hours",
        "pledge-date": "2026-05-01",
        "pledge-description": "Legal advice",
        **extra,
    }


def test_partner_records_a_delivery_against_their_pledge(client, partner, scene):
    pledge = scene["own_pledge"]
    client.force_login(partner)
    response = client.post(_delivery_url(pledge), _delivery(pledge))
    assert response.status_code == 302
    assert response["Location"].endswith("#resources")
    delivery = Delivery.objects.get(pledge=pledge)
    assert delivery.amount == 3
    assert delivery.history.get().history_user == partner


def test_more_delivered_than_pledged_is_recorded_with_a_warning(client, partner, scene):
    pledge = scene["own_pledge"]
    client.force_login(partner)
    response = client.post(_delivery_url(pledge), _delivery(pledge, amount="9"), follow=True)
    assert Delivery.objects.get(pledge=pledge).amount == 9
    assert "More is delivered now" in response.content.decode()


def test_a_negative_delivery_is_refused_with_a_message(client, partner, scene):
    pledge = scene["own_pledge"]
    client.force_login(partner)
    response = client.post(_delivery_url(pledge), _delivery(pledge, amount="-1"))
    assert response.status_code == 422
    assert response.context["form"].errors["amount"]
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("role", "pledge", "get_status", "post_status"),
    [
        ("partner", "own_pledge", 200, 302),
        ("partner", "ngo_pledge", 403, 403),  # another organisation's pledge
        ("ngo_partner", "own_pledge", 403, 403),
        ("ngo_partner", "ngo_pledge", 200, 302),
        ("shared_partner", "own_pledge", 403, 403),
        ("editor", "ngo_pledge", 200, 302),
        ("moderator", "own_pledge", 200, 302),
        ("other_editor", "own_pledge", 404, 404),
        ("anonymous", "own_pledge", 302, 302),
    ],
)
def test_delivery_per_role_and_city(
    client, scene, editor, moderator, other_editor, partner, role, pledge, get_status, post_status
):
    users = {
        "editor": editor,
        "moderator": moderator,
        "other_editor": other_editor,
        "partner": partner,
        "ngo_partner": scene["ngo_partner"],
        "shared_partner": scene["shared_partner"],
        "anonymous": None,
    }
    pledge = scene[pledge]
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(_delivery_url(pledge))
    assert response.status_code == get_status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    response = client.post(_delivery_url(pledge), _delivery(pledge))
    assert response.status_code == post_status
    written = post_status == 302 and role != "anonymous"
    assert Delivery.objects.filter(pledge=pledge).exists() is written


def test_partner_posting_another_field_with_a_delivery_is_refused(client, partner, scene):
    pledge = scene["own_pledge"]
    client.force_login(partner)
    data = _delivery(pledge, **{f"delivery{pledge.pk}-pledge": scene["ngo_pledge"].pk})
    assert client.post(_delivery_url(pledge), data).status_code == 403
    assert not Delivery.objects.exists()


def test_an_unknown_pledge_answers_like_another_citys(client, other_editor, scene):
    client.logout()
    assert client.get(reverse("actions:delivery_create", args=[999_999])).status_code == 302
    client.force_login(other_editor)
    assert client.get(reverse("actions:delivery_create", args=[999_999])).status_code == 404
    assert client.get(_delivery_url(scene["own_pledge"])).status_code == 404


def test_partner_adds_a_pledge_of_their_organisation(client, partner, scene, sofia_company):
    ours = scene["ours"]
    client.force_login(partner)
    response = client.get(_pledge_url(ours))
    assert response.status_code == 200
    assert "organisation" not in response.context["form"].fields
    response = client.post(_pledge_url(ours), _pledge())
    assert response.status_code == 302
    pledge = Pledge.objects.get(action=ours, kind="pro_bono")
    assert pledge.organisation == sofia_company
    assert pledge.history.get().history_user == partner


def test_partner_cannot_pledge_for_another_organisation(client, partner, scene):
    ours = scene["ours"]
    client.force_login(partner)
    response = client.post(_pledge_url(ours), _pledge(**{"pledge-organisation": scene["ngo"].pk}))
    assert response.status_code == 403
    assert not Pledge.objects.filter(kind="pro_bono").exists()


def test_partner_cannot_pledge_to_another_action(client, partner, scene):
    client.force_login(partner)
    assert client.get(_pledge_url(scene["theirs"])).status_code == 403
    assert client.post(_pledge_url(scene["theirs"]), _pledge()).status_code == 403
    assert not Pledge.objects.filter(kind="pro_bono").exists()


def test_a_unit_that_does_not_fit_the_kind_is_refused_with_a_message(client, partner, scene):
    client.force_login(partner)
    response = client.post(_pledge_url(scene["ours"]), _pledge(**{"pledge-unit": "EUR"}))
    assert response.status_code == 422
    assert "counted in" in str(response.context["form"].errors)
    assert not Pledge.objects.filter(kind="pro_bono").exists()


@pytest.mark.parametrize(
    ("role", "get_status", "post_status"),
    [
        ("editor", 200, 302),
        ("moderator", 200, 302),
        ("other_editor", 404, 404),
        ("shared_partner", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_pledge_per_role_and_city(
    client, scene, editor, moderator, other_editor, sofia_company, role, get_status, post_status
):
    users = {
        "editor": editor,
        "moderator": moderator,
        "other_editor": other_editor,
        "shared_partner": scene["shared_partner"],
        "anonymous": None,
    }
    if users[role] is not None:
        client.force_login(users[role])
    url = _pledge_url(scene["ours"])
    assert client.get(url).status_code == get_status
    response = client.post(url, _pledge(**{"pledge-organisation": sofia_company.pk}))
    assert response.status_code == post_status
    written = post_status == 302 and role != "anonymous"
    assert Pledge.objects.filter(kind="pro_bono").exists() is written


def test_the_action_page_offers_partners_their_own_forms(client, partner, scene):
    client.force_login(partner)
    response = client.get(scene["ours"].get_absolute_url())
    html = response.content.decode()
    assert _pledge_url(scene["ours"]) in html
    assert _delivery_url(scene["own_pledge"]) in html
    assert _delivery_url(scene["ngo_pledge"]) not in html
    assert "Update progress" in html
    response = client.get(scene["theirs"].get_absolute_url())
    html = response.content.decode()
    assert _pledge_url(scene["theirs"]) not in html
    assert "Update progress" not in html


def test_services_refuse_a_partner_other_organisations(partner, scene):
    with pytest.raises(PermissionDenied):
        services.delivery_record(pledge=scene["ngo_pledge"], data={"amount": D(1)}, by=partner)
    with pytest.raises(PermissionDenied):
        services.pledge_create(
            action=scene["ours"],
            data={"organisation": scene["ngo"], "kind": "cash", "amount": D(1), "unit": "EUR"},
            by=partner,
        )
    with pytest.raises(PermissionDenied):
        services.pledge_update(
            pledge=scene["own_pledge"], data={"amount": D(9)}, by=partner, expected_version=1
        )
    assert not Delivery.objects.exists()


def _posted_by_the_page(html: str, marker: str) -> dict:
    """What the browser posts of the action page's form holding ``marker``: every
    named input, select and textarea with its value (the date's hidden initial too)."""
    import re

    start = html.index(marker)
    form = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
    data = {}
    for tag in re.finditer(r"<(input|select|textarea)\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag.group(0))
        value = re.search(r'value="([^"]*)"', tag.group(0))
        if name:
            data[name.group(1)] = value.group(1) if value else ""
    return data


def test_partner_posts_the_action_pages_own_forms(client, partner, scene):
    # The page's pledge and delivery forms as the browser sends them, with the
    # hidden initial of their date (its default is today): recorded, not refused.
    ours, pledge = scene["ours"], scene["own_pledge"]
    client.force_login(partner)
    html = client.get(ours.get_absolute_url()).content.decode()
    data = _posted_by_the_page(html, 'name="pledge-amount"')
    assert "initial-pledge-date" in data
    data.update({"pledge-kind": "pro_bono", "pledge-amount": "12", "pledge-unit": "hours"})
    response = client.post(_pledge_url(ours), data)
    assert response.status_code == 302, response.content.decode()[:300]
    assert Pledge.objects.filter(action=ours, amount=12).exists()
    data = _posted_by_the_page(html, f'name="delivery{pledge.pk}-amount"')
    data[f"delivery{pledge.pk}-amount"] = "3"
    response = client.post(_delivery_url(pledge), data)
    assert response.status_code == 302, response.content.decode()[:300]
    assert Delivery.objects.get(pledge=pledge).amount == 3
