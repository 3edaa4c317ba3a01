"""Correcting an action's resources from its page (issue 16): a pledge changed or
removed, a line of its ledger corrected or removed, by the roadmap's editors;
stale pages refused, bad input shown on its field with nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from actions.models import Delivery, Pledge
from tests import factories

D = Decimal


@pytest.fixture
def row(sofia_roadmap):
    return factories.action(sofia_roadmap, title="Volunteering platform", budget=D(5000))


@pytest.fixture
def pledge(row, sofia_company):
    return Pledge.objects.create(
        action=row,
        organisation=sofia_company,
        kind="cash",
        amount=D(100),
        unit="EUR",
        date=datetime.date(2026, 3, 1),
    )


def _deliver(pledge, amount):
    return Delivery.objects.create(pledge=pledge, amount=D(amount), date=datetime.date(2026, 5, 1))


def _pledge_data(pledge, **changes):
    return {
        "version": pledge.version,
        "organisation": pledge.organisation_id,
        "kind": pledge.kind,
        "amount": str(pledge.amount),
        "unit": pledge.unit,
        "description": pledge.description,
        "date": pledge.date.isoformat(),
        **changes,
    }


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def test_the_action_page_links_each_pledge_to_its_correction_for_editors_only(
    client, editor, partner, row, pledge, sofia_roadmap
):
    url = reverse("actions:pledge_edit", args=[pledge.pk])
    client.force_login(editor)
    assert url in client.get(row.get_absolute_url()).content.decode()
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    client.force_login(partner)
    page = client.get(row.get_absolute_url())
    assert page.status_code == 200 and url not in page.content.decode()


def test_the_editor_corrects_a_pledge_and_history_names_them(client, editor, row, pledge):
    client.force_login(editor)
    url = reverse("actions:pledge_edit", args=[pledge.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, _pledge_data(pledge, amount="150", description="Two “parts”"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"{row.get_absolute_url()}#resources")
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.description, pledge.version) == (D(150), "Two “parts”", 2)
    assert pledge.history.latest("history_date").history_user == editor


def test_a_stale_pledge_page_is_refused_and_nothing_is_written(client, editor, moderator, pledge):
    from actions import services

    services.pledge_update(pledge=pledge, data={"amount": D(120)}, by=moderator, expected_version=1)
    client.force_login(editor)
    url = reverse("actions:pledge_edit", args=[pledge.pk])
    response = client.post(url, _pledge_data(pledge, version=1, amount="999"))
    assert response.status_code == 302 and response["Location"] == url
    assert any("Somebody else saved this pledge" in m for m in _messages(response))
    pledge.refresh_from_db()
    assert pledge.amount == D(120)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        ({"unit": "hours"}, "unit", "A pledge of cash is counted in: BGN, EUR."),
    ],
)
def test_bad_pledge_input_is_shown_on_its_field(client, editor, pledge, changes, field, message):
    client.force_login(editor)
    response = client.post(
        reverse("actions:pledge_edit", args=[pledge.pk]), _pledge_data(pledge, **changes)
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors[field]
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.unit, pledge.version) == (D(100), "EUR", 1)


def test_a_pledge_by_an_organisation_outside_the_working_group_is_refused(
    client, editor, pledge, vratsa
):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    client.force_login(editor)
    response = client.post(
        reverse("actions:pledge_edit", args=[pledge.pk]),
        _pledge_data(pledge, organisation=outsider.pk),
    )
    assert response.status_code == 422
    assert "organisation" in response.context["form"].errors
    pledge.refresh_from_db()
    assert pledge.organisation_id != outsider.pk


def test_the_editor_removes_a_pledge_nothing_was_delivered_of(client, editor, row, pledge):
    client.force_login(editor)
    url = reverse("actions:pledge_delete", args=[pledge.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1})
    assert response.status_code == 302
    assert not Pledge.objects.exists()
    assert Pledge.history.filter(history_type="-").get().history_user == editor


def test_a_pledge_with_deliveries_stays_and_says_why(client, editor, pledge):
    _deliver(pledge, 10)
    client.force_login(editor)
    response = client.post(reverse("actions:pledge_delete", args=[pledge.pk]), {"version": 1})
    assert response.status_code == 302
    assert any("Remove them first" in m for m in _messages(response))
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_the_pledge_page_lists_its_ledger(client, editor, pledge):
    first, second = _deliver(pledge, 30), _deliver(pledge, 20)
    client.force_login(editor)
    response = client.get(reverse("actions:pledge_edit", args=[pledge.pk]))
    body = response.content.decode()
    assert response.context["delivered"] == D(50)
    for delivery in (first, second):
        assert reverse("actions:delivery_edit", args=[delivery.pk]) in body
        assert reverse("actions:delivery_delete", args=[delivery.pk]) in body


def test_the_editor_corrects_a_delivery_over_the_pledge_with_a_warning(client, editor, pledge):
    delivery = _deliver(pledge, 30)
    client.force_login(editor)
    response = client.post(
        reverse("actions:delivery_edit", args=[delivery.pk]),
        {"version": 1, "amount": "130", "date": "2026-05-02", "note": "line one\r\nline two"},
    )
    assert response.status_code == 302
    assert any("than was pledged (100 EUR)" in m for m in _messages(response))
    delivery.refresh_from_db()
    assert (delivery.amount, delivery.date, delivery.version) == (
        D(130),
        datetime.date(2026, 5, 2),
        2,
    )
    assert delivery.history.latest("history_date").history_user == editor


def test_a_negative_delivery_correction_is_refused(client, editor, pledge):
    delivery = _deliver(pledge, 30)
    client.force_login(editor)
    response = client.post(
        reverse("actions:delivery_edit", args=[delivery.pk]),
        {"version": 1, "amount": "-1", "date": "2026-05-02"},
    )
    assert response.status_code == 422
    assert "The amount cannot be negative." in response.context["form"].errors["amount"]
    delivery.refresh_from_db()
    assert delivery.amount == D(30)


def test_the_editor_removes_a_delivery_and_a_stale_removal_is_refused(
    client, editor, moderator, pledge
):
    from actions import services

    stale, kept = _deliver(pledge, 30), _deliver(pledge, 5)
    services.delivery_update(
        delivery=stale, data={"amount": D(31)}, by=moderator, expected_version=1
    )
    client.force_login(editor)
    response = client.post(reverse("actions:delivery_delete", args=[stale.pk]), {"version": 1})
    assert response.status_code == 302
    assert Delivery.objects.filter(pk=stale.pk).exists()
    response = client.post(reverse("actions:delivery_delete", args=[kept.pk]), {"version": 1})
    assert response.status_code == 302
    assert not Delivery.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("name", ["pledge_edit", "pledge_delete"])
def test_another_citys_editor_and_an_unknown_id_meet_the_same_404(
    client, other_editor, pledge, name
):
    client.force_login(other_editor)
    assert client.get(reverse(f"actions:{name}", args=[pledge.pk])).status_code == 404
    assert client.get(reverse(f"actions:{name}", args=[999_999])).status_code == 404
