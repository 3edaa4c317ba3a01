"""Who may see and change which roadmap, action and meeting."""

import pytest
from django.contrib.auth import get_user_model

from actions.models import Action, Roadmap
from core import permissions
from meetings.models import Meeting
from tests import factories


@pytest.fixture
def scene(sofia_roadmap, vratsa_roadmap):
    return {
        "sofia_action": factories.action(sofia_roadmap),
        "vratsa_action": factories.action(vratsa_roadmap),
        "sofia_meeting": factories.meeting(sofia_roadmap),
        "vratsa_meeting": factories.meeting(vratsa_roadmap),
    }


def test_sofia_editor_cannot_see_or_change_vratsa_private_roadmap(
    editor, scene, sofia_roadmap, vratsa_roadmap
):
    assert list(Roadmap.objects.visible_to(editor)) == [sofia_roadmap]
    assert list(Roadmap.objects.editable_by(editor)) == [sofia_roadmap]
    assert not permissions.can_view_roadmap(editor, vratsa_roadmap)
    assert not permissions.can_edit_roadmap(editor, vratsa_roadmap)
    assert list(Action.objects.editable_by(editor)) == [scene["sofia_action"]]


def test_public_roadmap_of_another_city_is_readable_not_editable(editor, vratsa_roadmap):
    vratsa_roadmap.visibility = Roadmap.Visibility.PUBLIC
    vratsa_roadmap.save()
    assert permissions.can_view_roadmap(editor, vratsa_roadmap)
    assert not permissions.can_edit_roadmap(editor, vratsa_roadmap)
    assert vratsa_roadmap not in Roadmap.objects.editable_by(editor)


def test_partner_reads_roadmaps_it_is_invited_to_and_changes_nothing(
    partner, sofia_roadmap, vratsa_roadmap
):
    assert not permissions.can_view_roadmap(partner, sofia_roadmap)  # private
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    vratsa_roadmap.visibility = Roadmap.Visibility.PARTNERS
    vratsa_roadmap.save()
    assert permissions.can_view_roadmap(partner, sofia_roadmap)
    # Invited means: the partner's organisation is in that city's working group.
    assert not permissions.can_view_roadmap(partner, vratsa_roadmap)
    assert list(Roadmap.objects.visible_to(partner)) == [sofia_roadmap]
    assert not permissions.can_edit_roadmap(partner, sofia_roadmap)
    assert not Roadmap.objects.editable_by(partner).exists()
    assert not permissions.can_manage_meetings(partner, sofia_roadmap.city_id)


def test_moderator_runs_meetings_of_own_city_only(moderator, editor, scene, sofia, vratsa):
    assert permissions.can_manage_meetings(moderator, sofia.pk)
    assert not permissions.can_manage_meetings(moderator, vratsa.pk)
    assert not permissions.can_manage_meetings(editor, sofia.pk)
    assert list(Meeting.objects.managed_by(moderator)) == [scene["sofia_meeting"]]
    assert not Meeting.objects.managed_by(editor).exists()


def test_network_admin_sees_and_changes_everything(
    network_admin, scene, sofia_roadmap, vratsa_roadmap
):
    assert set(Roadmap.objects.editable_by(network_admin)) == {sofia_roadmap, vratsa_roadmap}
    assert Meeting.objects.managed_by(network_admin).count() == 2


def test_anonymous_sees_only_public_roadmaps(sofia_roadmap, vratsa_roadmap):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not Roadmap.objects.visible_to(anonymous).exists()
    vratsa_roadmap.visibility = Roadmap.Visibility.PUBLIC
    vratsa_roadmap.save()
    assert list(Roadmap.objects.visible_to(anonymous)) == [vratsa_roadmap]
    assert not permissions.can_edit_roadmap(anonymous, vratsa_roadmap)


def test_deactivated_user_loses_all_access(editor, sofia_roadmap):
    editor.is_active = False
    permissions.forget_access(editor)
    assert not permissions.can_view_roadmap(editor, sofia_roadmap)
    assert not Roadmap.objects.visible_to(editor).exists()


def test_role_without_city_gives_nothing(sofia_roadmap):
    lost = factories.user(role="editor")
    assert not Roadmap.objects.visible_to(lost).exists()
    assert not permissions.can_edit_roadmap(lost, sofia_roadmap)


def test_city_access_without_role_gives_nothing(sofia, sofia_roadmap):
    # The city is where a role applies; without the role it grants nothing.
    nobody = factories.user(cities=[sofia])
    assert not permissions.can_edit_roadmap(nobody, sofia_roadmap)
    assert not permissions.can_view_roadmap(nobody, sofia_roadmap)


def test_access_is_computed_once_per_user_object(editor, sofia_roadmap, django_assert_num_queries):
    permissions.forget_access(editor)
    with django_assert_num_queries(3):  # groups, city access, person
        for _ in range(5):
            permissions.can_edit_roadmap(editor, sofia_roadmap)


# --- Every role, for each function of the policy ----------------------------
# Roles as the matrices name them: the editor of the city (Sofia), the editor of
# another city (Vratsa), Sofia's moderator, a partner in Sofia's working group,
# the network admin, anonymous.
ROLES = ("editor", "other_editor", "moderator", "partner", "network_admin", "anonymous")


def _as(request, role: str):
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return request.getfixturevalue(role)


@pytest.fixture
def network(sofia, vratsa, sofia_company):
    """Organisations and people of both cities, one of Vratsa's in Sofia's working group."""
    from stakeholders.models import Membership

    shared = factories.organisation(vratsa, "Shared Foundation")
    Membership.objects.create(city=sofia, organisation=shared)
    vratsa_only = factories.organisation(vratsa, "Vratsa Works")
    loner = factories.organisation(vratsa, "Nobody's Group", member=False)
    member = factories.person(vratsa_only, "Sits in Sofia's group")
    Membership.objects.create(city=sofia, person=member)
    return {
        "organisations": {
            "sofia_company": sofia_company,
            "shared": shared,
            "vratsa_only": vratsa_only,
            "loner": loner,
        },
        "people": {
            "in_sofia_company": factories.person(sofia_company, "Sofia's"),
            "in_shared": factories.person(shared, "Shared's"),
            "in_vratsa_only": factories.person(vratsa_only, "Vratsa's"),
            "in_loner": factories.person(loner, "Loner's"),
            "member": member,
        },
    }


def _names(network, kind: str, queryset) -> set[str]:
    keys = {obj.pk: key for key, obj in network[kind].items()}
    return {keys[pk] for pk in queryset.values_list("pk", flat=True) if pk in keys}


SOFIA_ORGANISATIONS = {"sofia_company", "shared"}
VRATSA_ORGANISATIONS = {"shared", "vratsa_only", "loner"}
ALL_ORGANISATIONS = SOFIA_ORGANISATIONS | VRATSA_ORGANISATIONS


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor", SOFIA_ORGANISATIONS),
        ("other_editor", VRATSA_ORGANISATIONS),
        ("moderator", SOFIA_ORGANISATIONS),
        ("partner", set()),
        ("network_admin", ALL_ORGANISATIONS),
        ("anonymous", set()),
    ],
)
def test_organisation_filter_gives_own_cities_and_their_working_groups(
    request, network, role, expected
):
    from stakeholders.models import Membership, Organisation

    user = _as(request, role)
    assert (
        _names(
            network,
            "organisations",
            Organisation.objects.filter(permissions.organisation_filter(user)),
        )
        == expected
    )
    # Through a prefix: the memberships of those organisations.
    memberships = Membership.objects.filter(
        permissions.organisation_filter(user, prefix="organisation__"), organisation__isnull=False
    )
    assert {m.organisation_id for m in memberships} == {
        network["organisations"][key].pk for key in expected if key != "loner"
    }


SOFIA_PEOPLE = {"in_sofia_company", "in_shared", "member"}
VRATSA_PEOPLE = {"in_shared", "in_vratsa_only", "in_loner", "member"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor", SOFIA_PEOPLE),
        ("other_editor", VRATSA_PEOPLE),
        ("moderator", SOFIA_PEOPLE),
        ("partner", set()),
        ("network_admin", SOFIA_PEOPLE | VRATSA_PEOPLE),
        ("anonymous", set()),
    ],
)
def test_person_filter_gives_people_of_those_organisations_and_of_the_working_groups(
    request, network, role, expected
):
    from stakeholders.models import Membership, Person

    user = _as(request, role)
    assert _names(network, "people", Person.objects.filter(permissions.person_filter(user))) == (
        expected
    )
    memberships = Membership.objects.filter(
        permissions.person_filter(user, prefix="person__"), person__isnull=False
    )
    assert {m.person_id for m in memberships} == (
        {network["people"]["member"].pk} if "member" in expected else set()
    )


# Of those, what the user changes: their own cities' (issue 14). "shared" and
# "member" are Vratsa's: read-only to Sofia's staff.
@pytest.mark.parametrize(
    ("role", "organisations", "people"),
    [
        ("editor", {"sofia_company"}, {"in_sofia_company"}),
        ("other_editor", VRATSA_ORGANISATIONS, VRATSA_PEOPLE),
        ("moderator", {"sofia_company"}, {"in_sofia_company"}),
        ("partner", set(), set()),
        ("network_admin", ALL_ORGANISATIONS, SOFIA_PEOPLE | VRATSA_PEOPLE),
        ("anonymous", set(), set()),
    ],
)
def test_own_filters_give_the_organisations_and_people_of_the_users_cities(
    request, network, role, organisations, people
):
    from stakeholders.models import Organisation, Person

    user = _as(request, role)
    own = Organisation.objects.filter(permissions.own_organisation_filter(user))
    assert _names(network, "organisations", own) == organisations
    own_people = Person.objects.filter(permissions.own_person_filter(user))
    assert _names(network, "people", own_people) == people


def test_a_person_of_no_organisation_is_the_citys_whose_group_they_sit_in(
    sofia, editor, other_editor
):
    from stakeholders.models import Membership, Person

    expert = factories.person(None, "Independent expert")
    Membership.objects.create(city=sofia, person=expert)
    own = Person.objects.filter(pk=expert.pk)
    assert own.filter(permissions.own_person_filter(editor)).exists()
    assert not own.filter(permissions.own_person_filter(other_editor)).exists()


@pytest.mark.parametrize(
    ("role", "expected"), [("moderator", False), ("editor", False), ("network_admin", True)]
)
def test_only_the_network_admin_moves_a_person_linked_to_a_login(
    request, partner, sofia_company, role, expected
):
    user = _as(request, role)
    assert permissions.can_change_person_organisation(user, partner.person) is expected
    # A person with no login (or a new one) is their city's staff's to place.
    assert permissions.can_change_person_organisation(user, factories.person(sofia_company))
    assert permissions.can_change_person_organisation(user, None)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor", {"sofia"}),
        ("other_editor", {"vratsa"}),
        ("moderator", {"sofia"}),
        ("partner", set()),
        ("network_admin", {"sofia", "vratsa"}),
        ("anonymous", set()),
    ],
)
def test_meeting_filter_gives_the_meetings_of_the_users_cities(request, scene, role, expected):
    from meetings.models import AgendaItem

    user = _as(request, role)
    meetings = {"sofia": scene["sofia_meeting"], "vratsa": scene["vratsa_meeting"]}
    for meeting in meetings.values():
        AgendaItem.objects.create(meeting=meeting, title="Welcome")
    wanted = {meetings[city].pk for city in expected}
    assert (
        set(Meeting.objects.filter(permissions.meeting_filter(user)).values_list("pk", flat=True))
        == wanted
    )
    assert (
        set(
            AgendaItem.objects.filter(
                permissions.meeting_filter(user, prefix="meeting__")
            ).values_list("meeting_id", flat=True)
        )
        == wanted
    )


@pytest.mark.parametrize(
    ("role", "runs_sofia", "runs_vratsa"),
    [
        ("editor", False, False),
        ("other_editor", False, False),
        ("moderator", True, False),
        ("partner", False, False),
        ("network_admin", True, True),
        ("anonymous", False, False),
    ],
)
def test_who_runs_meetings(request, scene, sofia, vratsa, role, runs_sofia, runs_vratsa):
    user = _as(request, role)
    assert permissions.can_manage_meetings(user, sofia.pk) is runs_sofia
    assert permissions.can_manage_meetings(user, vratsa.pk) is runs_vratsa
    managed = set(
        Meeting.objects.filter(permissions.meeting_roadmap_filter(user, prefix="roadmap__"))
    )
    assert managed == {
        meeting
        for meeting, runs in (
            (scene["sofia_meeting"], runs_sofia),
            (scene["vratsa_meeting"], runs_vratsa),
        )
        if runs
    }


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("editor", False),
        ("other_editor", False),
        ("moderator", False),
        ("partner", False),
        ("network_admin", True),
        ("anonymous", False),
    ],
)
def test_only_the_network_admin_links_a_login_to_a_person(request, role, may):
    assert permissions.can_link_login(_as(request, role)) is may


@pytest.fixture
def staff_without_role(db):
    # A staff login nobody gave a role: Django's admin lets it in (to an empty index).
    return factories.user("staff-only", is_staff=True)


ADMIN_ROLES = (*ROLES, "staff_without_role")
OPENS_ADMIN = {"editor", "other_editor", "moderator", "network_admin", "staff_without_role"}


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_can_use_admin_is_the_admins_own_answer(request, db, rf, role):
    from django.contrib import admin

    user = _as(request, role)
    admin_request = rf.get("/admin/")
    admin_request.user = user
    assert permissions.can_use_admin(user) is admin.site.has_permission(admin_request)
    assert permissions.can_use_admin(user) is (role in OPENS_ADMIN)


def test_deactivated_staff_cannot_use_admin(editor):
    editor.is_active = False
    assert not permissions.can_use_admin(editor)


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_administration_link_shows_for_exactly_who_opens_the_admin(request, db, client, role):
    from django.urls import reverse

    user = _as(request, role)
    if role != "anonymous":
        client.force_login(user)
    page = client.get(reverse("actions:roadmap_list"))
    assert page.status_code == 200
    shows_link = f'href="{reverse("admin:index")}"' in page.content.decode()
    opens_admin = client.get(reverse("admin:index")).status_code == 200
    assert shows_link is opens_admin is (role in OPENS_ADMIN)


@pytest.mark.parametrize(
    ("role", "cities", "filtered"),
    [
        ("editor", {"sofia"}, {"sofia"}),
        ("other_editor", {"vratsa"}, {"vratsa"}),
        ("moderator", {"sofia"}, {"sofia"}),
        ("partner", {"sofia"}, {"sofia"}),  # through its company's working group
        ("network_admin", set(), {"sofia", "vratsa"}),  # no city of its own, all of them
        ("anonymous", set(), set()),
    ],
)
def test_the_cities_a_user_works_for(
    request, sofia_roadmap, vratsa_roadmap, role, cities, filtered
):
    user = _as(request, role)
    by_city = {"sofia": sofia_roadmap, "vratsa": vratsa_roadmap}
    actions = {city: factories.action(roadmap) for city, roadmap in by_city.items()}
    assert permissions.own_city_ids(user) == {by_city[c].city_id for c in cities}
    assert permissions.works_for_a_city(user) is (role != "anonymous")
    assert set(Roadmap.objects.filter(permissions.own_city_filter(user))) == {
        by_city[c] for c in filtered
    }
    own_actions = Action.objects.filter(permissions.own_city_filter(user, prefix="roadmap__"))
    assert set(own_actions) == {actions[c] for c in filtered}


def test_a_login_without_role_or_organisation_works_for_no_city(db):
    nobody = factories.user()
    assert not permissions.works_for_a_city(nobody)
    assert permissions.own_city_ids(nobody) == frozenset()


def test_staff_user_filter_selects_whom_access_makes_a_citys_staff(
    editor, other_editor, moderator, partner, network_admin, sofia, vratsa
):
    users = [editor, other_editor, moderator, partner, network_admin]
    users.append(factories.user(role="editor", cities=[sofia], is_active=False))
    for city in (sofia, vratsa):
        selected = set(
            get_user_model()
            .objects.filter(permissions.staff_user_filter([city.pk]))
            .values_list("pk", flat=True)
        )
        expected = {
            user.pk for user in users if city.pk in permissions.access_for(user).staff_city_ids
        }
        assert selected == expected and expected
