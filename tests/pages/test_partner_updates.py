"""The city's staff see what partners changed (issue 16): the Action Table's
"Changed by partners since" filter and the dashboard's "Recent partner updates",
both read from the history records of partners' logins."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, Pledge, Roadmap
from tests import factories


@pytest.fixture
def scene(sofia_roadmap, sofia_company, sofia):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    ours = factories.action(sofia_roadmap, title="School programme", lead_partner=sofia_company)
    quiet = factories.action(sofia_roadmap, title="Urban greening", lead_partner=sofia_company)
    by_staff = factories.action(sofia_roadmap, title="CSR awards")
    return {"ours": ours, "quiet": quiet, "by_staff": by_staff}


def _partner_changes(scene, partner, editor, sofia_company):
    ours = scene["ours"]
    services.action_update(
        action=ours, data={"progress": 30}, by=partner, expected_version=ours.version
    )
    pledge = services.pledge_create(
        action=scene["quiet"],
        data={
            "organisation": sofia_company,
            "kind": "cash",
            "amount": Decimal(100),
            "unit": "EUR",
        },
        by=partner,
    )
    services.delivery_record(pledge=pledge, data={"amount": Decimal(40)}, by=partner)
    by_staff = scene["by_staff"]
    services.action_update(
        action=by_staff, data={"progress": 50}, by=editor, expected_version=by_staff.version
    )


def _titles(response) -> list[str]:
    return sorted(row.title for row in response.context["rows"])


def test_the_filter_shows_what_partners_changed_since_a_day(
    client, editor, partner, scene, sofia_company, sofia_roadmap
):
    _partner_changes(scene, partner, editor, sofia_company)
    client.force_login(editor)
    today = timezone.localdate()
    url = sofia_roadmap.get_absolute_url()
    response = client.get(url, {"partner_changes": today.isoformat()})
    # The row's own change, and a pledge with a delivery: not the staff's change.
    assert _titles(response) == ["School programme", "Urban greening"]
    tomorrow = today + datetime.timedelta(days=1)
    assert _titles(client.get(url, {"partner_changes": tomorrow.isoformat()})) == []


def test_the_filter_reads_the_date_as_bulgarian_writes_it(
    client, editor, partner, scene, sofia_company, sofia_roadmap
):
    _partner_changes(scene, partner, editor, sofia_company)
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    day = timezone.localdate().strftime("%d.%m.%Y")
    response = client.get(sofia_roadmap.get_absolute_url(), {"partner_changes": day})
    assert response.context["filter"].form.is_valid()
    assert _titles(response) == ["School programme", "Urban greening"]
    response = client.get(sofia_roadmap.get_absolute_url(), {"partner_changes": "31.02.2026"})
    assert "partner_changes" in response.context["filter"].form.errors
    # The field shows how to write a day, as each language writes it.
    assert 'placeholder="30.06.2027"' in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(sofia_roadmap.get_absolute_url()).content.decode()
    assert 'placeholder="30/06/2027"' in english


def test_the_filter_is_for_the_citys_staff(client, partner, sofia_roadmap, scene):
    client.force_login(partner)
    response = client.get(sofia_roadmap.get_absolute_url())
    assert "partner_changes" not in response.context["filter"].form.fields
    # Sent anyway, it is not a filter of theirs: every row stays.
    response = client.get(sofia_roadmap.get_absolute_url(), {"partner_changes": "2020-01-01"})
    assert len(response.context["rows"]) == 3


def test_the_dashboard_lists_recent_partner_updates(client, editor, partner, scene, sofia_company):
    _partner_changes(scene, partner, editor, sofia_company)
    client.force_login(editor)
    response = client.get(reverse("dashboard"))
    updates = response.context["partner_updates"]
    assert [update.what for update in updates] == [
        "delivered 40 EUR",
        "pledged 100 EUR",
        "proposed, 30 %",
    ]
    assert {update.organisation for update in updates} == {sofia_company.name}
    assert {update.person for update in updates} == {"partner"}
    html = response.content.decode()
    assert "Recent partner updates" in html
    assert scene["ours"].get_absolute_url() in html
    # The staff's own change is not a partner's.
    assert "CSR awards" not in html.split('id="partner-updates"')[1].split("</section>")[0]


def test_partner_updates_are_for_the_staff_of_the_city(
    client, editor, other_editor, partner, moderator, scene, sofia_company
):
    _partner_changes(scene, partner, editor, sofia_company)
    client.force_login(moderator)
    assert len(client.get(reverse("dashboard")).context["partner_updates"]) == 3
    client.force_login(other_editor)
    assert client.get(reverse("dashboard")).context["partner_updates"] == []
    client.force_login(partner)
    response = client.get(reverse("dashboard"))
    assert response.context["partner_updates"] is None
    assert "Recent partner updates" not in response.content.decode()


@pytest.mark.parametrize("size", [2, 20])
def test_the_dashboard_query_count_does_not_grow_with_partner_updates(
    client, editor, partner, sofia_roadmap, sofia_company, size
):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    for number in range(size):
        action = factories.action(sofia_roadmap, lead_partner=sofia_company)
        services.action_update(
            action=action, data={"progress": number + 1}, by=partner, expected_version=1
        )
        pledge = Pledge.objects.create(
            action=action, organisation=sofia_company, kind="cash", amount=10, unit="EUR"
        )
        services.delivery_record(pledge=pledge, data={"amount": Decimal(1)}, by=partner)
    client.force_login(editor)
    # 1 session, 2 user, 3 groups, 4 city access, 5 person,
    # 6 my roadmaps with their counts, 7 their cost, secured and gap, 8 overdue,
    # 9 due soon, 10 the next meeting,
    # 11 recent partner updates (rows, pledges and deliveries in one union),
    # 12 the funded, secured and gap of the actions with funding lines
    # (resource_totals._grouped_funding; 7 is now the cost of all).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert len(queries) == 12, "\n".join(q["sql"] for q in queries.captured_queries)
    assert len(response.context["partner_updates"]) == min(2 * size, 20)


def test_a_removed_action_leaves_the_list(client, editor, partner, scene, sofia_company):
    _partner_changes(scene, partner, editor, sofia_company)
    Action.objects.filter(pk=scene["quiet"].pk).delete()
    client.force_login(editor)
    updates = client.get(reverse("dashboard")).context["partner_updates"]
    assert [update.action_title for update in updates] == ["School programme"]


def test_the_dashboard_links_to_the_table_filtered_by_partner_changes(
    client, editor, partner, sofia_company, scene, sofia_roadmap
):
    _partner_changes(scene, partner, editor, sofia_company)
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    html = client.get(reverse("dashboard")).content.decode()
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    # The date as the reader writes it (the filter's field then shows it so).
    typed = week_ago.strftime("%d.%m.%Y")
    link = f"{sofia_roadmap.get_absolute_url()}?partner_changes={typed}"
    assert link in html
    table = client.get(link)
    assert table.context["filter"].form.cleaned_data["partner_changes"] == week_ago
    assert f'value="{typed}"' in table.content.decode()


def test_the_dashboard_link_in_english_writes_the_english_date(
    client, editor, partner, sofia_company, scene, sofia_roadmap
):
    _partner_changes(scene, partner, editor, sofia_company)
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboard")).content.decode()
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    typed = week_ago.strftime("%d/%m/%Y")
    assert f"?partner_changes={typed}" in html
    table = client.get(f"{sofia_roadmap.get_absolute_url()}?partner_changes={typed}")
    assert table.context["filter"].form.cleaned_data["partner_changes"] == week_ago


def test_no_link_to_partner_changes_when_no_partner_changed_anything(client, editor, sofia_roadmap):
    client.force_login(editor)
    html = client.get(reverse("dashboard")).content.decode()
    assert "No partner has updated an action yet." in html
    assert "partner_changes=" not in html
