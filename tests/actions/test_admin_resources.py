"""The admin of an action's resources: funding lines and pledges inline in the
action, a pledge's page with its ledger of deliveries, the funding lines' list;
every write through the services, scoped to the user's city."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from actions.models import Delivery, FundingLine, Pledge
from tests import factories

D = Decimal


@pytest.fixture
def row(sofia_roadmap, sofia_company):
    return factories.action(
        sofia_roadmap, title="Volunteering platform", lead_partner=sofia_company, budget=D(5000)
    )


def _change(row):
    return reverse("admin:actions_action_change", args=[row.pk])


def _funding_rows(*lines, new=()):
    data = {
        "funding_lines-TOTAL_FORMS": len(lines) + len(new),
        "funding_lines-INITIAL_FORMS": len(lines),
    }
    forms = [
        (
            {
                "id": line.pk,
                "action": line.action_id,
                "version": line.version,
                "funder": line.funder_id or "",
                "programme": line.programme,
                "amount": line.amount,
                "currency": line.currency,
                "status": line.status,
                "note": line.note,
            },
            changes,
        )
        for line, changes in lines
    ] + [({}, values) for values in new]
    for i, (values, changes) in enumerate(forms):
        for name, value in {**values, **changes}.items():
            data[f"funding_lines-{i}-{name}"] = value
    return data


def _pledge_rows(*new):
    data = {"pledges-TOTAL_FORMS": len(new), "pledges-INITIAL_FORMS": 0}
    for i, values in enumerate(new):
        for name, value in values.items():
            data[f"pledges-{i}-{name}"] = value
    return data


def _post(client, row, *, funding=None, pledges=None, **changes):
    data = factories.action_admin_form(row, **changes)
    data.update(funding or {})
    data.update(pledges or {})
    return client.post(_change(row), data)


def test_editor_adds_a_funding_line_and_a_pledge_in_the_action(client, editor, row, sofia_company):
    client.force_login(editor)
    response = _post(
        client,
        row,
        funding=_funding_rows(
            new=[{"programme": "ESF+", "amount": "3000", "currency": "EUR", "status": "secured"}]
        ),
        pledges=_pledge_rows(
            {
                "organisation": sofia_company.pk,
                "kind": "volunteer_hours",
                "amount": "40",
                "unit": "hours",
                "date": "2026-11-02",
            }
        ),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    line = FundingLine.objects.get()
    assert (line.programme, line.amount, line.version) == ("ESF+", D(3000), 1)
    assert line.history.get().history_user == editor
    pledge = Pledge.objects.get()
    assert (pledge.organisation, pledge.unit) == (sofia_company, "hours")
    assert pledge.history.get().history_user == editor


def test_a_pledge_from_outside_the_working_group_is_refused_and_nothing_is_saved(
    client, editor, row, vratsa
):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    client.force_login(editor)
    response = _post(
        client,
        row,
        title="Renamed in the same save",
        funding=_funding_rows(
            new=[{"programme": "ESF+", "amount": "3000", "currency": "EUR", "status": "secured"}]
        ),
        pledges=_pledge_rows(
            {
                "organisation": outsider.pk,
                "kind": "cash",
                "amount": "40",
                "unit": "EUR",
                "date": "2026-11-02",
            }
        ),
    )
    assert response.status_code == 200
    # The admin offers only the organisations the editor works with; the
    # service's own rule stands behind it.
    assert "organisation" in response.context["inline_admin_formsets"][2].formset.errors[0]
    row.refresh_from_db()
    assert row.title == "Volunteering platform"
    assert not FundingLine.objects.exists() and not Pledge.objects.exists()


def test_a_unit_not_fitting_the_kind_is_placed_on_the_unit(client, editor, row, sofia_company):
    client.force_login(editor)
    response = _post(
        client,
        row,
        pledges=_pledge_rows(
            {
                "organisation": sofia_company.pk,
                "kind": "cash",
                "amount": "40",
                "unit": "hours",
                "date": "2026-11-02",
            }
        ),
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][2].formset.errors[0]
    assert errors["unit"] == ["A pledge of cash is counted in: BGN, EUR."]
    assert not Pledge.objects.exists()


def test_a_stale_funding_line_is_refused(client, editor, row):
    line = FundingLine.objects.create(action=row, programme="ESF+", amount=1, status="planned")
    opened = FundingLine.objects.get(pk=line.pk)
    FundingLine.objects.filter(pk=line.pk).update(amount=2, version=2)
    client.force_login(editor)
    response = _post(client, row, funding=_funding_rows((opened, {"amount": "9"})))
    assert response.status_code == 200
    line.refresh_from_db()
    assert (line.amount, line.version) == (D(2), 2)


def test_editor_changes_and_removes_funding_lines_through_the_services(client, editor, row):
    kept = FundingLine.objects.create(action=row, programme="ESF+", amount=1, status="planned")
    gone = FundingLine.objects.create(action=row, programme="Budget", amount=5, status="planned")
    client.force_login(editor)
    response = _post(
        client,
        row,
        funding=_funding_rows((kept, {"status": "secured"}), (gone, {"DELETE": "on"})),
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.status, kept.version) == ("secured", 2)
    assert not FundingLine.objects.filter(pk=gone.pk).exists()
    assert FundingLine.history.filter(id=gone.pk, history_type="-").get().history_user == editor


def _pledge(row, organisation, amount=100):
    return Pledge.objects.create(
        action=row, organisation=organisation, kind="cash", amount=D(amount), unit="EUR"
    )


def _pledge_form(pledge, **changes):
    data = {
        "organisation": pledge.organisation_id,
        "kind": pledge.kind,
        "amount": pledge.amount,
        "unit": pledge.unit,
        "description": pledge.description,
        "date": pledge.date.isoformat(),
        "version": pledge.version,
        "deliveries-TOTAL_FORMS": 1,
        "deliveries-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_recording_more_than_pledged_warns_and_records(client, editor, row, sofia_company):
    pledge = _pledge(row, sofia_company)
    Delivery.objects.create(pledge=pledge, amount=D(80))
    client.force_login(editor)
    url = reverse("admin:actions_pledge_change", args=[pledge.pk])
    data = _pledge_form(
        pledge,
        **{
            "deliveries-TOTAL_FORMS": 2,
            "deliveries-INITIAL_FORMS": 1,
            "deliveries-0-id": pledge.deliveries.get().pk,
            "deliveries-0-pledge": pledge.pk,
            "deliveries-0-version": 1,
            "deliveries-0-amount": "80",
            "deliveries-0-date": pledge.deliveries.get().date.isoformat(),
            "deliveries-1-date": "2026-11-20",
            "deliveries-1-amount": "30",
            "deliveries-1-note": "second instalment",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(pledge.deliveries.order_by("pk").values_list("amount", flat=True)) == [
        D(80),
        D(30),
    ]
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("More is delivered now (110 EUR) than was pledged (100 EUR)" in m for m in shown)
    assert pledge.deliveries.order_by("pk").last().history.get().history_user == editor


def test_a_pledge_change_goes_through_the_service_and_refuses_a_stale_form(
    client, editor, row, sofia_company
):
    pledge = _pledge(row, sofia_company)
    client.force_login(editor)
    url = reverse("admin:actions_pledge_change", args=[pledge.pk])
    data = _pledge_form(pledge, amount="150")
    assert client.post(url, data).status_code == 302
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.version) == (D(150), 2)
    # The same form again, opened at version 1.
    response = client.post(url, _pledge_form(pledge, amount="1", version=1))
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.amount == D(150)


def test_lists_filter_by_funder_kind_and_status(client, editor, row, sofia_company):
    FundingLine.objects.create(action=row, programme="ESF+", amount=1, status="secured")
    FundingLine.objects.create(action=row, funder=sofia_company, amount=2, status="planned")
    _pledge(row, sofia_company)
    Pledge.objects.create(
        action=row, organisation=sofia_company, kind="pro_bono", amount=3, unit="days"
    )
    client.force_login(editor)
    lines = reverse("admin:actions_fundingline_changelist")
    assert client.get(lines, {"status": "secured"}).context["cl"].result_count == 1
    assert (
        client.get(lines, {"funder__id__exact": sofia_company.pk}).context["cl"].result_count == 1
    )
    assert client.get(lines, {"programme": "ESF+"}).context["cl"].result_count == 1
    pledges = reverse("admin:actions_pledge_changelist")
    assert client.get(pledges, {"kind": "pro_bono"}).context["cl"].result_count == 1


def test_another_citys_staff_see_no_resources(client, other_editor, row, sofia_company):
    FundingLine.objects.create(action=row, programme="ESF+", amount=1, status="secured")
    pledge = _pledge(row, sofia_company)
    client.force_login(other_editor)
    for name in ("fundingline", "pledge"):
        response = client.get(reverse(f"admin:actions_{name}_changelist"))
        assert response.context["cl"].result_count == 0
    response = client.get(reverse("admin:actions_pledge_change", args=[pledge.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("admin:actions_pledge_change", args=[pledge.pk]), _pledge_form(pledge, amount=1)
    )
    pledge.refresh_from_db()
    assert pledge.amount == D(100)


def test_an_action_with_resources_can_still_be_removed(client, moderator, row, sofia_company):
    FundingLine.objects.create(action=row, programme="ESF+", amount=1, status="secured")
    Delivery.objects.create(pledge=_pledge(row, sofia_company), amount=1)
    client.force_login(moderator)
    response = client.post(reverse("admin:actions_action_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Pledge.objects.exists()
    # Their history keeps them.
    assert Pledge.history.filter(history_type="-").count() == 1


def test_amounts_read_as_the_action_page_writes_them(client, editor, row, sofia_company):
    """The funding lines' list and read-only page, and the inlines' funding-line and
    pledge amounts, write "10 000" (a no-break space) and "1", not "10000,00", "10000.00" or "1.00"."""
    line = FundingLine.objects.create(
        action=row, programme="ESF+", amount=D("10000.00"), status="secured"
    )
    pledge = _pledge(row, sofia_company, amount=1)
    client.force_login(editor)
    client.cookies["django_language"] = "bg"

    listing = client.get(reverse("admin:actions_fundingline_changelist")).content.decode()
    assert '<td class="field-amount_shown">10\xa0000</td>' in listing
    assert "10000,00" not in listing
    page = client.get(reverse("admin:actions_fundingline_change", args=[line.pk]))
    readonly = [
        text.strip()
        for text in re.findall(r'<div class="readonly">(.*?)</div>', page.content.decode(), re.S)
    ]
    # where to edit, action, funder, programme, amount, ...
    assert readonly[4] == "10\xa0000"
    assert "10000,00" not in page.content.decode()

    action_page = client.get(_change(row))
    inputs = dict(
        re.findall(
            r'<input type="text" name="([^"]+-amount)" value="([^"]*)"',
            action_page.content.decode(),
        )
    )
    assert inputs == {"funding_lines-0-amount": "10\xa0000", "pledges-0-amount": "1"}
    pledge_page = client.get(reverse("admin:actions_pledge_change", args=[pledge.pk]))
    assert 'name="amount" value="1"' in pledge_page.content.decode()

    # What the page shows comes back as it was typed: nothing changed.
    saved = _post(client, row, funding=_funding_rows((line, {"amount": "10 000"})))
    assert saved.status_code == 302
    line.refresh_from_db()
    assert (line.amount, line.version) == (D(10000), 1)


def test_a_funding_line_and_a_pledge_name_their_amounts_as_the_pages_write_them(row, sofia_company):
    """What the admin's titles, breadcrumbs and messages say of them (their ``str``)."""
    with translation.override("en"):
        line = FundingLine(action=row, programme="ESF+", amount=D("10000.00"), currency="EUR")
        assert str(line) == "ESF+: 10,000 EUR"
        pledge = Pledge(
            action=row, organisation=sofia_company, kind="cash", amount=D("1.50"), unit="EUR"
        )
        assert str(pledge) == f"{sofia_company.name}: 1.5 EUR (cash)"
        assert pledge.amount_text(D("12000.00")) == "12,000 EUR"


def test_the_action_page_and_the_admin_write_an_amount_alike(client, editor, row):
    """One formatter (core.numbers.format_number) for the page and the admin."""
    FundingLine.objects.create(action=row, programme="ESF+", amount=D("10000.50"), status="secured")
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    page = client.get(reverse("actions:action", args=[row.pk])).content.decode()
    listing = client.get(reverse("admin:actions_fundingline_changelist")).content.decode()
    assert "10\xa0000,5 EUR" in page
    assert '<td class="field-amount_shown">10\xa0000,5</td>' in listing
