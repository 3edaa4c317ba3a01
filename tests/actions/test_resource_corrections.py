"""Correcting and removing what was recorded of an action's resources (issue 16):
a pledge removed while nothing was delivered of it, a delivery corrected or
removed; through the services (history, lost updates refused, only the city's
staff) and through the admin (the action's inline of pledges, a pledge's ledger)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions import services
from actions.models import Delivery, Pledge
from tests import factories

D = Decimal


@pytest.fixture
def row(sofia_roadmap, sofia_company):
    return factories.action(sofia_roadmap, title="Volunteering platform", budget=D(5000))


@pytest.fixture
def pledge(row, sofia_company):
    return Pledge.objects.create(
        action=row, organisation=sofia_company, kind="cash", amount=D(100), unit="EUR"
    )


def _deliver(pledge, amount, day=datetime.date(2026, 5, 1)):
    return Delivery.objects.create(pledge=pledge, amount=D(amount), date=day)


# --- The services ----------------------------------------------------------------------


def test_a_pledge_nothing_was_delivered_of_is_removed_with_its_history(pledge, editor):
    services.pledge_delete(pledge=pledge, by=editor, expected_version=1, reason="typed twice")
    assert not Pledge.objects.exists()
    removed = Pledge.history.filter(id=pledge.pk, history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (editor, "typed twice")
    assert removed.amount == D(100)


def test_a_pledge_with_deliveries_is_not_removed(pledge, editor):
    _deliver(pledge, 10)
    with pytest.raises(ValidationError) as refused:
        services.pledge_delete(pledge=pledge, by=editor, expected_version=1)
    assert "Deliveries were recorded against this pledge" in refused.value.messages[0]
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    assert Delivery.objects.count() == 1


def test_removing_a_pledge_changed_since_is_refused(pledge, editor):
    services.pledge_update(pledge=pledge, data={"amount": D(120)}, by=editor, expected_version=1)
    with pytest.raises(ValidationError) as refused:
        services.pledge_delete(pledge=pledge, by=editor, expected_version=1)
    assert refused.value.code == "conflict"
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_a_delivery_is_corrected_with_its_history_and_a_new_version(pledge, editor):
    delivery = _deliver(pledge, 30)
    done = services.delivery_update(
        delivery=delivery,
        data={"amount": D(40), "note": "the invoice said 40"},
        by=editor,
        expected_version=1,
    )
    delivery.refresh_from_db()
    assert (delivery.amount, delivery.note, delivery.version) == (D(40), "the invoice said 40", 2)
    assert done.delivered == D(40) and done.warnings == []
    before, after = delivery.history.order_by("history_date")[:2]
    assert (before.amount, after.amount, after.history_user) == (D(30), D(40), editor)


def test_a_correction_over_the_pledge_warns_and_is_saved(pledge, editor):
    _deliver(pledge, 70)
    delivery = _deliver(pledge, 20)
    done = services.delivery_update(
        delivery=delivery, data={"amount": D(50)}, by=editor, expected_version=1
    )
    assert done.delivered == D(120)
    assert "More is delivered now (120 EUR) than was pledged (100 EUR)" in done.warnings[0]
    delivery.refresh_from_db()
    assert delivery.amount == D(50)


def test_a_stale_correction_is_refused_and_writes_nothing(pledge, editor, moderator):
    delivery = _deliver(pledge, 30)
    services.delivery_update(
        delivery=delivery, data={"amount": D(35)}, by=moderator, expected_version=1
    )
    with pytest.raises(ValidationError) as refused:
        services.delivery_update(
            delivery=delivery, data={"amount": D(99)}, by=editor, expected_version=1
        )
    assert refused.value.code == "conflict"
    with pytest.raises(ValidationError):
        services.delivery_delete(delivery=delivery, by=editor, expected_version=1)
    delivery.refresh_from_db()
    assert (delivery.amount, delivery.version) == (D(35), 2)


def test_a_negative_correction_is_refused_and_writes_nothing(pledge, editor):
    delivery = _deliver(pledge, 30)
    with pytest.raises(ValidationError) as refused:
        services.delivery_update(
            delivery=delivery, data={"amount": D(-5)}, by=editor, expected_version=1
        )
    assert refused.value.message_dict == {"amount": ["The amount cannot be negative."]}
    delivery.refresh_from_db()
    assert (delivery.amount, delivery.version) == (D(30), 1)


def test_a_correction_that_changes_nothing_keeps_the_version(pledge, editor):
    delivery = _deliver(pledge, 30)
    services.delivery_update(
        delivery=delivery, data={"amount": D(30)}, by=editor, expected_version=1
    )
    delivery.refresh_from_db()
    assert delivery.version == 1 and delivery.history.count() == 1


def test_a_delivery_is_removed_with_its_history(pledge, editor):
    delivery = _deliver(pledge, 30)
    services.delivery_delete(delivery=delivery, by=editor, expected_version=1)
    assert not Delivery.objects.exists()
    gone = Delivery.history.filter(id=delivery.pk, history_type="-").get()
    assert (gone.history_user, gone.amount) == (editor, D(30))
    # The pledge may go now.
    services.pledge_delete(pledge=pledge, by=editor, expected_version=1)


@pytest.mark.parametrize("role", ["partner", "other_editor"])
def test_only_the_citys_staff_correct_and_remove(request, pledge, role):
    user = request.getfixturevalue(role)
    delivery = _deliver(pledge, 30)
    attempts = [
        lambda: services.pledge_delete(pledge=pledge, by=user, expected_version=1),
        lambda: services.delivery_update(
            delivery=delivery, data={"amount": D(1)}, by=user, expected_version=1
        ),
        lambda: services.delivery_delete(delivery=delivery, by=user, expected_version=1),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    delivery.refresh_from_db()
    assert (Pledge.objects.count(), delivery.amount, delivery.version) == (1, D(30), 1)


# --- The admin -------------------------------------------------------------------------


def _ledger_form(pledge, deliveries, *, changes=None, delete=()):
    changes = changes or {}
    data = {
        "organisation": pledge.organisation_id,
        "kind": pledge.kind,
        "amount": pledge.amount,
        "unit": pledge.unit,
        "description": pledge.description,
        "date": pledge.date.isoformat(),
        "version": pledge.version,
        "deliveries-TOTAL_FORMS": len(deliveries),
        "deliveries-INITIAL_FORMS": len(deliveries),
    }
    for i, delivery in enumerate(deliveries):
        values = {
            "id": delivery.pk,
            "pledge": pledge.pk,
            "version": delivery.version,
            "amount": delivery.amount,
            "date": delivery.date.isoformat(),
            "note": delivery.note,
            **changes.get(delivery.pk, {}),
        }
        if delivery.pk in delete:
            values["DELETE"] = "on"
        for name, value in values.items():
            data[f"deliveries-{i}-{name}"] = value
    return data


def test_the_admin_corrects_and_removes_lines_of_the_ledger(client, editor, pledge):
    first, second = _deliver(pledge, 30), _deliver(pledge, 20)
    client.force_login(editor)
    url = reverse("admin:actions_pledge_change", args=[pledge.pk])
    data = _ledger_form(
        pledge, [first, second], changes={first.pk: {"amount": "95"}}, delete={second.pk}
    )
    response = client.post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.amount, first.version) == (D(95), 2)
    assert not Delivery.objects.filter(pk=second.pk).exists()
    assert Delivery.history.filter(id=second.pk, history_type="-").get().history_user == editor


def test_the_admin_refuses_a_stale_line_of_the_ledger(client, editor, moderator, pledge):
    delivery = _deliver(pledge, 30)
    data = _ledger_form(pledge, [delivery], changes={delivery.pk: {"amount": "31"}})
    services.delivery_update(
        delivery=delivery, data={"amount": D(33)}, by=moderator, expected_version=1
    )
    client.force_login(editor)
    response = client.post(reverse("admin:actions_pledge_change", args=[pledge.pk]), data)
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.amount == D(33)


def test_the_admin_warns_of_a_correction_over_the_pledge(client, editor, pledge):
    delivery = _deliver(pledge, 30)
    client.force_login(editor)
    response = client.post(
        reverse("admin:actions_pledge_change", args=[pledge.pk]),
        _ledger_form(pledge, [delivery], changes={delivery.pk: {"amount": "130"}}),
    )
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("than was pledged (100 EUR)" in m for m in shown)


def test_the_admin_removes_a_pledge_and_refuses_one_with_deliveries(
    client, editor, row, pledge, sofia_company
):
    client.force_login(editor)
    url = reverse("admin:actions_pledge_delete", args=[pledge.pk])
    _deliver(pledge, 5)
    response = client.post(url, {"post": "yes"}, follow=True)
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    assert any("Deliveries were recorded" in str(m) for m in response.context["messages"])
    Delivery.objects.all().delete()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Pledge.objects.filter(pk=pledge.pk).exists()
    assert Pledge.history.filter(id=pledge.pk, history_type="-").get().history_user == editor


def test_the_actions_inline_removes_a_pledge(client, editor, row, pledge):
    client.force_login(editor)
    data = factories.action_admin_form(row)
    data.update(
        {
            "pledges-TOTAL_FORMS": 1,
            "pledges-INITIAL_FORMS": 1,
            "pledges-0-id": pledge.pk,
            "pledges-0-action": row.pk,
            "pledges-0-version": pledge.version,
            "pledges-0-organisation": pledge.organisation_id,
            "pledges-0-kind": pledge.kind,
            "pledges-0-amount": pledge.amount,
            "pledges-0-unit": pledge.unit,
            "pledges-0-date": pledge.date.isoformat(),
            "pledges-0-DELETE": "on",
        }
    )
    response = client.post(reverse("admin:actions_action_change", args=[row.pk]), data)
    assert response.status_code == 302
    assert not Pledge.objects.exists()


def test_pledges_filter_by_what_was_delivered(client, editor, row, pledge, sofia_company):
    _deliver(pledge, 40)
    full = Pledge.objects.create(
        action=row, organisation=sofia_company, kind="cash", amount=D(10), unit="EUR"
    )
    _deliver(full, 10)
    more = Pledge.objects.create(
        action=row, organisation=sofia_company, kind="volunteer_hours", amount=D(5), unit="hours"
    )
    _deliver(more, 8)
    none = Pledge.objects.create(
        action=row, organisation=sofia_company, kind="pro_bono", amount=D(2), unit="days"
    )
    client.force_login(editor)
    url = reverse("admin:actions_pledge_changelist")
    found = {
        value: {p.pk for p in client.get(url, {"delivered": value}).context["cl"].result_list}
        for value in ("none", "part", "all", "more")
    }
    assert found == {"none": {none.pk}, "part": {pledge.pk}, "all": {full.pk}, "more": {more.pk}}
