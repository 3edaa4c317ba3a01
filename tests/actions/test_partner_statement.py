"""A partner's statement (/roadmaps/<id>/partners/<org>/statement.xlsx): every
pledge and delivery of the organisation in a period, by action and kind, with
totals in money and hours that equal the ledger; for the roadmap's staff and the
organisation's own users."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from actions.models import Delivery, Pledge, Roadmap
from tests import factories

D = Decimal
day = datetime.date


@pytest.fixture
def ledger(sofia, sofia_roadmap, sofia_company):
    """A mixed ledger of the partner's company, and another organisation's pledge."""
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    first = factories.action(sofia_roadmap, title="Volunteering platform")
    second = factories.action(sofia_roadmap, title='=HYPERLINK("http://x")')
    other = factories.organisation(sofia, "Green NGO")

    def pledge(action, kind, amount, unit, on, deliveries=(), organisation=sofia_company):
        made = Pledge.objects.create(
            action=action,
            organisation=organisation,
            kind=kind,
            amount=D(amount),
            unit=unit,
            date=on,
            description=f"{kind} for {action.title}",
        )
        for when, value in deliveries:
            Delivery.objects.create(pledge=made, amount=D(value), date=when)
        return made

    pledge(
        first,
        "cash",
        1000,
        "EUR",
        day(2026, 1, 10),
        [(day(2026, 2, 1), 400), (day(2026, 5, 1), 700)],
    )
    pledge(first, "volunteer_hours", 40, "hours", day(2026, 1, 15), [(day(2026, 3, 1), 16)])
    pledge(second, "pro_bono", 3, "days", day(2026, 2, 20), [(day(2026, 3, 10), 2)])
    pledge(second, "cash", 500, "BGN", day(2026, 3, 1))
    pledge(second, "in_kind", 10, "pieces", day(2026, 3, 5), [(day(2026, 3, 6), 12)])
    # Before the period, delivered in it.
    pledge(first, "cash", 200, "EUR", day(2025, 12, 1), [(day(2026, 1, 20), 200)])
    # Not the company's.
    pledge(
        first, "cash", 9999, "EUR", day(2026, 2, 1), [(day(2026, 2, 2), 9999)], organisation=other
    )
    return sofia_roadmap


def _url(roadmap, organisation, **query):
    from django.urls import reverse

    url = reverse("actions:partner_statement", args=[roadmap.pk, organisation.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _sheets(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook}


def test_the_partners_own_user_downloads_totals_equal_to_the_ledger(
    client, partner, ledger, sofia_company
):
    client.force_login(partner)
    sheets = _sheets(
        client.get(_url(ledger, sofia_company, **{"from": "2026-01-01", "to": "2026-03-31"}))
    )
    assert list(sheets) == ["Statement", "Pledges", "Deliveries"]
    totals = {row[0]: row[1:] for row in sheets["Statement"] if row and row[0]}
    ours = Pledge.objects.filter(organisation=sofia_company)
    in_period = {"date__gte": day(2026, 1, 1), "date__lte": day(2026, 3, 31)}
    pledged = ours.filter(**in_period)
    delivered = Delivery.objects.filter(pledge__in=ours, **in_period)

    def money(rows, unit):
        return sum((r.amount for r in rows if (getattr(r, "pledge", r)).unit == unit), D(0))

    assert totals["Money (EUR)"] == [money(pledged, "EUR"), money(delivered, "EUR")]
    assert totals["Money (EUR)"] == [D(1000), D(600)]
    assert totals["Money (BGN)"] == [D(500), D(0)]
    hours = [D(40 + 3 * 8), D(16 + 2 * 8)]
    assert totals["Time (hours; a day counts 8 hours)"] == hours
    assert totals["Goods and equipment (pieces)"] == [D(10), D(12)]
    # Every pledge and delivery in the period, and no other organisation's.
    assert len(sheets["Pledges"]) == 1 + pledged.count()
    assert len(sheets["Deliveries"]) == 1 + delivered.count()
    assert all(row[3] != 9999 for row in sheets["Pledges"][1:] + sheets["Deliveries"][1:])
    cells = [cell for rows in sheets.values() for row in rows for cell in row]
    assert "Green NGO" not in cells and "Demo Company Ltd" in cells


def test_a_typed_formula_stays_text(client, editor, ledger, sofia_company):
    client.force_login(editor)
    sheets = _sheets(client.get(_url(ledger, sofia_company)))
    titles = {row[0] for row in sheets["Pledges"][1:]}
    assert '=HYPERLINK("http://x")' in titles
    # Without a period: every pledge of the company.
    assert len(sheets["Pledges"]) == 1 + 6


@pytest.mark.parametrize(
    "role, status",
    [
        ("editor", 200),
        ("moderator", 200),
        ("network_admin", 200),
        ("partner", 200),
        ("other_editor", 404),
    ],
)
def test_who_downloads_the_statement(request, client, ledger, sofia_company, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(ledger, sofia_company)).status_code == status


def test_a_partner_gets_no_other_organisations_statement(client, partner, ledger, sofia):
    other = factories.organisation(sofia, "Another company")
    client.force_login(partner)
    assert client.get(_url(ledger, other)).status_code == 403


def test_a_partner_gets_no_statement_of_a_roadmap_not_shared_with_them(
    client, partner, ledger, sofia_company
):
    ledger.visibility = Roadmap.Visibility.PRIVATE
    ledger.save()
    client.force_login(partner)
    assert client.get(_url(ledger, sofia_company)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, ledger, sofia_company):
    response = client.get(_url(ledger, sofia_company))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_organisation_outside_the_roadmap_has_no_statement(client, editor, ledger, vratsa):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    client.force_login(editor)
    assert client.get(_url(ledger, outsider)).status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "31.01.2026"}, "Give the period's dates as YYYY-MM-DD, such as 2026-01-31."),
        ({"to": "2026-02-30"}, "Give the period's dates as YYYY-MM-DD, such as 2026-01-31."),
        ({"from": "2026-03-01", "to": "2026-01-01"}, "The period cannot end before it starts."),
    ],
)
def test_a_bad_period_is_refused_with_a_message(
    client, editor, ledger, sofia_company, query, message
):
    client.force_login(editor)
    response = client.get(_url(ledger, sofia_company, **query))
    assert response.status_code == 400
    assert response.content.decode() == message


def test_the_statement_is_in_the_readers_language(client, editor, ledger, sofia_company):
    client.force_login(editor)
    sheets = _sheets(client.get(_url(ledger, sofia_company, lang="bg")))
    with translation.override("bg"):
        action = translation.gettext("Action")
    assert action != "Action"
    assert sheets[list(sheets)[1]][0][0] == action
