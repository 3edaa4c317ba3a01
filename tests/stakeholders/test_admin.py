"""Cities, organisations, people and working groups in the Django admin, scoped by city."""

import datetime

import pytest
from django.urls import reverse

from core.permissions import forget_access
from stakeholders.models import Membership, Organisation
from tests import factories


@pytest.fixture
def vratsa_dairy(vratsa):
    return factories.organisation(vratsa, "Vratsa Dairy")


@pytest.fixture
def vratsa_chamber_in_sofia_group(sofia, vratsa):
    """An organisation based in Vratsa that also sits in Sofia's working group."""
    chamber = factories.organisation(vratsa, "Regional Chamber")
    Membership.objects.create(city=sofia, organisation=chamber)
    return chamber


def names(response):
    return {str(obj) for obj in response.context["cl"].result_list}


def changelist(model):
    return reverse(f"admin:stakeholders_{model}_changelist")


# --- Organisations ----------------------------------------------------------


def test_sofia_editor_sees_sofia_organisations_and_members_of_sofia_group(
    client, editor, sofia_company, vratsa_dairy, vratsa_chamber_in_sofia_group
):
    client.force_login(editor)
    response = client.get(changelist("organisation"))
    assert names(response) == {"Demo Company Ltd", "Regional Chamber"}


def test_vratsa_editor_does_not_see_sofia_organisations(
    client, other_editor, sofia_company, vratsa_dairy, vratsa_chamber_in_sofia_group
):
    client.force_login(other_editor)
    response = client.get(changelist("organisation"))
    assert names(response) == {"Vratsa Dairy", "Regional Chamber"}


def test_network_admin_sees_every_organisation(client, network_admin, sofia_company, vratsa_dairy):
    client.force_login(network_admin)
    response = client.get(changelist("organisation"))
    assert names(response) == {"Demo Company Ltd", "Vratsa Dairy"}


def test_partner_is_sent_to_admin_login(client, partner):
    client.force_login(partner)
    response = client.get(changelist("organisation"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_sofia_editor_cannot_open_vratsa_organisation(client, editor, vratsa_dairy):
    client.force_login(editor)
    response = client.get(reverse("admin:stakeholders_organisation_change", args=[vratsa_dairy.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_sofia_editor_adds_organisations_only_in_sofia(client, editor, sofia, vratsa):
    client.force_login(editor)
    url = reverse("admin:stakeholders_organisation_add")
    assert list(client.get(url).context["adminform"].form.fields["city"].queryset) == [sofia]
    response = client.post(
        url,
        {
            "name": "Planted",
            "kind": "company",
            "city": vratsa.pk,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert "city" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="Planted").exists()


def test_organisation_page_shows_only_the_users_working_group_memberships(
    client, editor, vratsa_chamber_in_sofia_group
):
    client.force_login(editor)
    response = client.get(
        reverse("admin:stakeholders_organisation_change", args=[vratsa_chamber_in_sofia_group.pk])
    )
    (formset,) = [f.formset for f in response.context["inline_admin_formsets"]]
    assert [m.city.name for m in formset.queryset] == ["Sofia"]


# --- People -----------------------------------------------------------------


def test_sofia_editor_sees_only_people_of_sofia_organisations(
    client, editor, sofia_company, vratsa_dairy, vratsa_chamber_in_sofia_group
):
    factories.person(sofia_company, "Maria Ivanova")
    factories.person(vratsa_chamber_in_sofia_group, "Georgi Petrov")
    factories.person(vratsa_dairy, "Ivan Dimitrov")
    client.force_login(editor)
    response = client.get(changelist("person"))
    assert {p.name for p in response.context["cl"].result_list} == {
        "Maria Ivanova",
        "Georgi Petrov",
    }


def test_sofia_editor_cannot_open_person_of_vratsa(client, editor, vratsa_dairy):
    person = factories.person(vratsa_dairy, "Ivan Dimitrov")
    client.force_login(editor)
    response = client.get(reverse("admin:stakeholders_person_change", args=[person.pk]))
    assert response.status_code == 302


def test_moderator_cannot_link_a_person_to_a_login(client, moderator, sofia_company):
    person = factories.person(sofia_company)
    client.force_login(moderator)
    response = client.get(reverse("admin:stakeholders_person_change", args=[person.pk]))
    assert "user" not in response.context["adminform"].form.fields


def test_consent_time_is_recorded_not_typed(client, moderator, sofia_company):
    given = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)
    person = factories.person(
        sofia_company, "Maria Ivanova", consent_to_contact=True, consent_recorded_at=given
    )
    url = reverse("admin:stakeholders_person_change", args=[person.pk])
    client.force_login(moderator)
    page = client.get(url)
    assert "consent_recorded_at" not in page.context["adminform"].form.fields

    response = client.post(
        url,
        {
            "name": person.name,
            "organisation": sofia_company.pk,
            "position": "",
            "email": person.email,
            "phone": person.phone,
            "consent_to_contact": "on",
            "consent_recorded_at_0": "2020-01-01",
            "consent_recorded_at_1": "00:00:00",
            "version": page.context["adminform"].form["version"].value(),
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.consent_recorded_at == given


def test_person_autocomplete_offers_sofia_moderator_no_vratsa_people(
    client, moderator, sofia_company, vratsa_dairy
):
    factories.person(sofia_company, "Maria Ivanova")
    factories.person(vratsa_dairy, "Ivan Dimitrov")
    client.force_login(moderator)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "meetings", "model_name": "attendance", "field_name": "person"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Maria Ivanova (Demo Company Ltd)"]


# --- Cities, memberships, city access ---------------------------------------


def test_sofia_editor_sees_only_sofia_in_cities(client, editor, sofia, vratsa):
    client.force_login(editor)
    assert names(client.get(changelist("city"))) == {"Sofia"}


def test_sofia_editor_sees_only_sofia_working_group(client, editor, sofia_company, vratsa_dairy):
    client.force_login(editor)
    response = client.get(changelist("membership"))
    assert {m.organisation.name for m in response.context["cl"].result_list} == {"Demo Company Ltd"}


def test_city_access_is_for_the_network_admin(client, editor, other_editor, network_admin):
    client.force_login(editor)
    assert client.get(changelist("cityaccess")).status_code == 403
    client.force_login(network_admin)
    response = client.get(changelist("cityaccess"))
    assert {a.user.username for a in response.context["cl"].result_list} == {
        "editor",
        "editor-vratsa",
    }


@pytest.mark.parametrize("organisations", [5, 50])
def test_organisation_changelist_query_count_does_not_grow_with_rows(
    client, editor, sofia, django_assert_num_queries, organisations
):
    for _ in range(organisations):
        factories.organisation(sofia)
    client.force_login(editor)
    forget_access(editor)
    # 1 session, 2 user, 3-4 model permissions (user's, groups'), 5 groups,
    # 6 city access, 7 person (these three for access_for), 8 city filter
    # choices, 9 filtered count, 10 total count, 11 the page of rows with
    # their cities joined.
    with django_assert_num_queries(11):
        response = client.get(changelist("organisation"))
    assert len(response.context["cl"].result_list) == organisations


@pytest.mark.parametrize("model", ["city", "organisation", "person", "membership", "cityaccess"])
def test_network_admin_opens_every_stakeholders_admin_page(
    client, network_admin, editor, sofia, sofia_company, model
):
    obj = {
        "city": sofia,
        "organisation": sofia_company,
        "person": factories.person(sofia_company),
        "membership": sofia_company.memberships.get(),
        "cityaccess": editor.city_accesses.get(),
    }[model]
    client.force_login(network_admin)
    for url in (
        changelist(model),
        changelist(model) + "?q=a",
        reverse(f"admin:stakeholders_{model}_add"),
        reverse(f"admin:stakeholders_{model}_change", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_an_organisations_other_names_are_edited_in_the_admin_and_found_by_its_search(
    client, editor, sofia
):
    """Issue 18: aliases ("BCCI", "Sofia Municipality") that an imported spreadsheet
    may write for an organisation, editable with it and searched by the admin."""
    chamber = factories.organisation(
        sofia, "БТПП", kind="chamber", aliases="BCCI\nBulgarian Chamber"
    )
    factories.organisation(sofia, "Other Ltd")
    client.force_login(editor)
    change = client.get(reverse("admin:stakeholders_organisation_change", args=[chamber.pk]))
    assert 'name="aliases"' in change.content.decode()
    found = client.get(reverse("admin:stakeholders_organisation_changelist"), {"q": "bcci"})
    assert list(found.context["cl"].result_list) == [chamber]
