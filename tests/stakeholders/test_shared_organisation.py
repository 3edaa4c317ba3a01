"""An organisation in two cities' working groups stays its own city's (issue 14, holes 1, 2).

Vratsa's "Shared Energy" sits in Vratsa's working group and, through a membership
Sofia's staff made, in Sofia's. Sofia's staff see it and its people and change
neither; its membership in Sofia's group is theirs. A partner's login reads a
city only through a membership of that city: no city's staff can move a login
into an organisation, and so into another city's working group.
"""

import pytest
from django.urls import reverse

from actions.models import Roadmap
from core.permissions import access_for, forget_access
from stakeholders.models import Membership, Organisation, Person
from tests import factories


@pytest.fixture
def shared(sofia, vratsa):
    return factories.shared_organisation(sofia, vratsa)


@pytest.fixture
def vratsa_person(shared):
    return factories.person(shared, "Vratsa's own contact")


@pytest.fixture
def vratsa_partners_roadmap(vratsa):
    return factories.roadmap(vratsa, visibility=Roadmap.Visibility.PARTNERS)


def _person_url(person):
    return reverse("admin:stakeholders_person_change", args=[person.pk])


def _organisation_url(organisation):
    return reverse("admin:stakeholders_organisation_change", args=[organisation.pk])


def _person_form(client, person, **changes) -> dict:
    page = client.get(_person_url(person))
    assert page.status_code == 200
    data = {
        "name": person.name,
        "organisation": person.organisation_id or "",
        "position": person.position,
        "email": person.email,
        "phone": person.phone,
        "version": page.context["adminform"].form["version"].value(),
    }
    if person.consent_to_contact:
        data["consent_to_contact"] = "on"
    data.update(changes)
    return data


def _organisation_form(client, organisation, **changes) -> dict:
    page = client.get(_organisation_url(organisation))
    assert page.status_code == 200
    (formset,) = [f.formset for f in page.context["inline_admin_formsets"]]
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "city": organisation.city_id,
        "website": organisation.website,
        "notes": organisation.notes,
        "version": page.context["adminform"].form["version"].value(),
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    for index, membership in enumerate(formset.queryset):
        data.update(
            {
                f"memberships-{index}-id": membership.pk,
                f"memberships-{index}-organisation": organisation.pk,
                f"memberships-{index}-city": membership.city_id,
                f"memberships-{index}-role": membership.role,
                f"memberships-{index}-since": "",
            }
        )
    data["memberships-TOTAL_FORMS"] = data["memberships-INITIAL_FORMS"] = len(formset.queryset)
    data.update(changes)
    return data


# --- Hole 1: a city's moderator decides who reads another city's data ------------


def test_sofia_moderator_cannot_move_a_partner_into_vratsas_organisation(
    client, moderator, partner, shared, vratsa_partners_roadmap
):
    person = Person.objects.get(user=partner)
    before = person.organisation_id
    client.force_login(moderator)
    page = client.get(_person_url(person))
    # The organisation of a person with a login is the network admin's to change.
    assert "organisation" not in page.context["adminform"].form.fields
    client.post(_person_url(person), _person_form(client, person, organisation=shared.pk))

    person.refresh_from_db()
    assert person.organisation_id == before
    forget_access(partner)
    assert vratsa_partners_roadmap.city_id not in access_for(partner).partner_city_ids
    client.force_login(partner)
    roadmap = client.get(reverse("actions:roadmap", args=[vratsa_partners_roadmap.pk]))
    assert roadmap.status_code == 404


def test_sofia_moderator_puts_people_only_in_sofias_organisations(
    client, moderator, sofia_company, shared
):
    person = factories.person(sofia_company, "No login yet")
    client.force_login(moderator)
    page = client.get(_person_url(person))
    assert list(page.context["adminform"].form.fields["organisation"].queryset) == [sofia_company]
    response = client.post(
        _person_url(person), _person_form(client, person, organisation=shared.pk)
    )
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.organisation == sofia_company


def test_sofia_moderator_adds_no_person_to_vratsas_organisation(client, moderator, shared):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:stakeholders_person_add"), {"name": "Planted", "organisation": shared.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not Person.objects.filter(name="Planted").exists()


def test_sofia_moderator_reads_but_does_not_change_vratsas_person(client, moderator, vratsa_person):
    client.force_login(moderator)
    page = client.get(_person_url(vratsa_person))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    data = _person_form(
        client, vratsa_person, email="taken@example.org", organisation="", consent_to_contact=""
    )
    assert client.post(_person_url(vratsa_person), data).status_code == 403
    unchanged = Person.objects.get(pk=vratsa_person.pk)
    assert (unchanged.email, unchanged.organisation_id) == (
        vratsa_person.email,
        vratsa_person.organisation_id,
    )


def test_vratsa_people_of_the_shared_organisation_stay_selectable_in_sofias_meetings(
    client, moderator, vratsa_person
):
    # Attendance, contributions and next steps of Sofia's meetings point at them.
    client.force_login(moderator)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "meetings", "model_name": "attendance", "field_name": "person", "term": ""},
    )
    assert {row["id"] for row in response.json()["results"]} >= {str(vratsa_person.pk)}


def test_the_network_admin_moves_a_person_with_a_login(client, network_admin, partner, shared):
    person = Person.objects.get(user=partner)
    client.force_login(network_admin)
    data = _person_form(client, person, organisation=shared.pk, user=partner.pk)
    assert client.post(_person_url(person), data).status_code == 302
    person.refresh_from_db()
    assert person.organisation == shared


def test_vratsas_staff_change_their_person_in_the_shared_organisation(
    client, vratsa, vratsa_person
):
    vratsa_moderator = factories.user("moderator-vratsa", role="moderator", cities=[vratsa])
    client.force_login(vratsa_moderator)
    data = _person_form(client, vratsa_person, email="new@example.org")
    assert client.post(_person_url(vratsa_person), data).status_code == 302
    vratsa_person.refresh_from_db()
    assert vratsa_person.email == "new@example.org"


def test_a_person_of_no_organisation_in_sofias_group_is_sofias(client, sofia, moderator):
    person = factories.person(None, "Independent expert")
    Membership.objects.create(city=sofia, person=person)
    client.force_login(moderator)
    data = _person_form(client, person, position="adviser")
    assert client.post(_person_url(person), data).status_code == 302
    person.refresh_from_db()
    assert person.position == "adviser"


def test_a_partner_reads_a_city_through_that_citys_membership_only(
    sofia, vratsa, shared, vratsa_partners_roadmap
):
    partner = factories.user("shared-partner", role="partner", organisation_=shared)
    assert access_for(partner).partner_city_ids == {sofia.pk, vratsa.pk}
    Membership.objects.filter(city=sofia, organisation=shared).delete()
    forget_access(partner)
    assert access_for(partner).partner_city_ids == {vratsa.pk}


# --- Hole 2: another city's editor rewrites and re-homes a shared organisation ----


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_sofia_staff_cannot_rename_or_rehome_vratsas_organisation(
    request, client, role, sofia, vratsa, shared
):
    client.force_login(request.getfixturevalue(role))
    page = client.get(_organisation_url(shared))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    data = _organisation_form(client, shared, name="Renamed", website="https://evil.example")
    data["city"] = sofia.pk
    assert client.post(_organisation_url(shared), data).status_code == 403
    shared.refresh_from_db()
    assert (shared.name, shared.city, shared.website) == ("Shared Energy", vratsa, "")


def test_sofia_staff_cannot_delete_vratsas_organisation(client, editor, shared):
    client.force_login(editor)
    url = reverse("admin:stakeholders_organisation_delete", args=[shared.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=shared.pk).exists()


def test_vratsas_editor_renames_their_organisation(client, other_editor, shared):
    client.force_login(other_editor)
    data = _organisation_form(client, shared, name="Shared Energy Ltd")
    assert client.post(_organisation_url(shared), data).status_code == 302
    shared.refresh_from_db()
    assert shared.name == "Shared Energy Ltd"


def test_the_shared_organisations_membership_in_sofias_group_is_sofias(
    client, moderator, sofia, vratsa, shared
):
    sofias = Membership.objects.get(city=sofia, organisation=shared)
    vratsas = Membership.objects.get(city=vratsa, organisation=shared)
    client.force_login(moderator)
    vratsas_url = reverse("admin:stakeholders_membership_delete", args=[vratsas.pk])
    client.post(vratsas_url, {"post": "yes"})
    assert Membership.objects.filter(pk=vratsas.pk).exists()
    url = reverse("admin:stakeholders_membership_delete", args=[sofias.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=sofias.pk).exists()
    # Ended, the organisation and its people leave Sofia's staff's sight. Putting
    # another city's organisation in the group afresh is the network admin's: it
    # would show Sofia's staff that organisation's people.
    assert client.get(_organisation_url(shared)).status_code == 302
    add = reverse("admin:stakeholders_membership_add")
    page = client.get(add)
    assert list(page.context["adminform"].form.fields["city"].queryset) == [sofia]
    response = client.post(add, {"city": sofia.pk, "organisation": shared.pk, "role": "member"})
    assert "organisation" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(city=sofia, organisation=shared).exists()
