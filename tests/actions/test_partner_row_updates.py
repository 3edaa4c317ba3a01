"""Partners update their own actions in the Action Table's row (issue 16): the
status, the progress and the indicators' current values of the actions their
organisation leads or partners, nothing else, through the same services (history
names them, a lost update is refused)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from actions import services
from actions.models import Action, Indicator, Roadmap
from core import permissions
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}
PARTNER_FIELDS = {"status", "progress"}


@pytest.fixture
def scene(sofia, sofia_roadmap, sofia_company, vratsa):
    """Sofia's roadmap shared with its partners: "ours" led by the partner's company,
    "theirs" by an NGO whose own partner user is "ngo_partner"."""
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    ngo = factories.organisation(sofia, "Green NGO", kind="ngo")
    ours = factories.action(
        sofia_roadmap, title="School programme", lead_partner=sofia_company, key_partners=[ngo]
    )
    theirs = factories.action(sofia_roadmap, title="Urban greening", lead_partner=ngo)
    indicator = factories.indicator(ours, name="Schools", target=10, current=2)
    other_indicator = factories.indicator(theirs, name="Trees", target=100)
    return {
        "ours": ours,
        "theirs": theirs,
        "ngo": ngo,
        "indicator": indicator,
        "other_indicator": other_indicator,
        "ngo_partner": factories.user("ngo-partner", role="partner", organisation_=ngo),
        "shared_partner": factories.user(
            "shared-partner",
            role="partner",
            organisation_=factories.shared_organisation(sofia, vratsa),
        ),
    }


def _edit(action) -> str:
    return reverse("actions:action_edit", args=[action.pk])


def _partner_post(action, indicator=None, **changes) -> dict:
    data = {"status": Action.Status.IN_PROGRESS, "progress": 40, "version": action.version}
    if indicator is not None:
        data[f"indicator_{indicator.pk}"] = "5.5"
    data.update(changes)
    return data


def test_partner_opens_their_row_with_only_their_fields(client, partner, scene):
    client.force_login(partner)
    response = client.get(_edit(scene["ours"]), **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "actions/_action_row_form.html"
    form = response.context["form"]
    assert set(form.fields) == {
        "status",
        "progress",
        "version",
        "confirm_progress",
        f"indicator_{scene['indicator'].pk}",
    }
    html = response.content.decode()
    assert 'name="title"' not in html
    assert reverse("actions:action_indicators", args=[scene["ours"].pk]) not in html


def test_partner_sees_which_action_their_row_form_updates(client, partner, scene):
    """The partner's form in the row has no title field: it names the action it
    updates (in place of the row, on a phone the whole card), or the partner sees a
    status and a progress of no action they can tell."""
    client.force_login(partner)
    html = client.get(_edit(scene["ours"]), **HTMX).content.decode()
    assert '<p class="fw-semibold mb-2 row-edit-title">School programme</p>' in html


def test_partner_updates_progress_in_place_and_history_names_them(
    client, partner, editor, scene, sofia_company
):
    ours = scene["ours"]
    client.force_login(partner)
    response = client.post(_edit(ours), _partner_post(ours, scene["indicator"]), **HTMX)
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    # The row swapped back offers the partner's button again, and no editor's button.
    assert response.context["can_edit"] is False
    assert response.context["row"].can_update is True
    ours.refresh_from_db()
    assert (ours.status, ours.progress) == (Action.Status.IN_PROGRESS, 40)
    assert Indicator.objects.get(pk=scene["indicator"].pk).current == Decimal("5.5")
    # Status and progress, then the indicator's value: two versions, both theirs.
    assert ours.version == 3
    assert {record.history_user for record in ours.history.all()[:2]} == {partner}
    assert scene["indicator"].history.first().history_user == partner
    # The city's staff read the person and the organisation; the partner the organisation.
    client.force_login(editor)
    history = client.get(ours.get_absolute_url()).context["history"]
    assert history[0].user == f"partner ({sofia_company.name})"
    client.force_login(scene["ngo_partner"])
    history = client.get(ours.get_absolute_url()).context["history"]
    assert history[0].user == sofia_company.name


def test_partner_update_without_javascript_goes_back_to_the_row(client, partner, scene):
    ours = scene["ours"]
    client.force_login(partner)
    response = client.post(_edit(ours), _partner_post(ours, progress=15))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{ours.pk}")
    ours.refresh_from_db()
    assert ours.progress == 15


@pytest.mark.parametrize(
    "field", [*sorted(set(services.EDITABLE_FIELDS) - PARTNER_FIELDS), "position", "roadmap"]
)
def test_partner_posting_any_other_field_is_refused(client, partner, scene, field):
    ours = scene["ours"]
    before = Action.objects.filter(pk=ours.pk).values().get()
    client.force_login(partner)
    response = client.post(_edit(ours), _partner_post(ours, **{field: "1"}), **HTMX)
    assert response.status_code == 403
    assert Action.objects.filter(pk=ours.pk).values().get() == before


@pytest.mark.parametrize("which", ["other action's indicator", "target"])
def test_partner_posting_another_indicator_field_is_refused(client, partner, scene, which):
    ours = scene["ours"]
    name = (
        f"indicator_{scene['other_indicator'].pk}"
        if which == "other action's indicator"
        else f"indicator_{scene['indicator'].pk}_target"
    )
    records = ours.history.count()
    client.force_login(partner)
    response = client.post(_edit(ours), _partner_post(ours, **{name: "7"}))
    assert response.status_code == 403
    assert ours.history.count() == records
    assert Indicator.objects.get(pk=scene["indicator"].pk).current == 2


def test_partner_cannot_update_another_action(client, partner, scene):
    theirs = scene["theirs"]
    client.force_login(partner)
    assert client.get(_edit(theirs), **HTMX).status_code == 403
    assert client.post(_edit(theirs), _partner_post(theirs), **HTMX).status_code == 403
    assert client.get(reverse("actions:action_row", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert (theirs.progress, theirs.version) == (0, 1)


@pytest.mark.parametrize(
    ("role", "get_status", "post_status"),
    [
        ("editor", 200, 422),  # the whole row's form: a partner's POST lacks its fields
        ("moderator", 200, 422),
        ("other_editor", 404, 404),
        ("partner", 200, 302),
        ("ngo_partner", 200, 302),  # the NGO is a key partner of "ours"
        ("shared_partner", 403, 403),  # another organisation of the working group
        ("anonymous", 302, 302),
    ],
)
def test_row_update_per_role_and_city(
    client, scene, editor, moderator, other_editor, partner, role, get_status, post_status
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
    ours = scene["ours"]
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(_edit(ours))
    assert response.status_code == get_status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    elif role in ("editor", "moderator"):
        assert "title" in response.context["form"].fields
    response = client.post(_edit(ours), _partner_post(ours))
    assert response.status_code == post_status
    ours.refresh_from_db()
    assert ours.progress == (40 if post_status == 302 and role != "anonymous" else 0)


def test_partner_lost_update_is_refused(client, partner, editor, scene):
    ours = scene["ours"]
    opened = ours.version
    services.action_update(action=ours, data={"progress": 70}, by=editor, expected_version=opened)
    client.force_login(partner)
    response = client.post(_edit(ours), _partner_post(ours, version=opened), **HTMX)
    assert response.status_code == 409
    assert "Nothing was overwritten" in response.content.decode()
    assert response.context["conflict"]["rows"]
    ours.refresh_from_db()
    assert (ours.progress, ours.version) == (70, opened + 1)
    # The form comes back with the current version: saving again puts theirs over.
    assert response.context["form"]["version"].value() == opened + 1


def test_partner_doubtful_progress_is_asked_again(client, partner, scene):
    ours = scene["ours"]
    client.force_login(partner)
    data = _partner_post(ours, status=Action.Status.DONE, progress=30)
    response = client.post(_edit(ours), data, **HTMX)
    assert response.status_code == 422
    assert response.context["form"].needs_confirmation
    response = client.post(_edit(ours), {**data, "confirm_progress": "on"}, **HTMX)
    assert response.status_code == 200


def test_the_table_offers_partners_their_rows_only(client, partner, scene, sofia_roadmap):
    client.force_login(partner)
    response = client.get(sofia_roadmap.get_absolute_url())
    html = response.content.decode()
    assert _edit(scene["ours"]) in html
    assert _edit(scene["theirs"]) not in html
    assert "Update progress" in html


# --- The services decide the same way, whoever calls them ------------------------


@pytest.mark.parametrize("field", sorted(set(services.EDITABLE_FIELDS) - PARTNER_FIELDS))
def test_service_refuses_a_partner_any_other_field(partner, scene, field):
    ours = scene["ours"]
    value = getattr(ours, Action._meta.get_field(field).attname, None)
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=ours, data={field: value}, by=partner, expected_version=ours.version
        )


def test_service_lets_a_partner_change_status_and_progress(partner, scene):
    ours = scene["ours"]
    saved = services.action_update(
        action=ours, data={"progress": 20}, by=partner, expected_version=ours.version
    )
    assert saved.progress == 20
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=scene["theirs"],
            data={"progress": 20},
            by=partner,
            expected_version=scene["theirs"].version,
        )


@pytest.mark.parametrize(
    "item",
    [
        {"target": Decimal(11)},
        {"name": "Renamed"},
        {"delete": True},
        "new",
    ],
    ids=["target", "name", "delete", "new"],
)
def test_service_lets_a_partner_change_only_indicator_values(partner, scene, item):
    ours, indicator = scene["ours"], scene["indicator"]
    items = (
        [{"name": "Added"}]
        if item == "new"
        else [{"id": indicator.pk, "position": indicator.position, **item}]
    )
    with pytest.raises(PermissionDenied):
        services.action_indicators_update(
            action=ours, indicators=items, by=partner, expected_version=ours.version
        )
    assert ours.indicators.count() == 1
    services.action_indicators_update(
        action=ours,
        indicators=[{"id": indicator.pk, "position": indicator.position, "current": Decimal(3)}],
        by=partner,
        expected_version=ours.version,
    )
    assert Indicator.objects.get(pk=indicator.pk).current == 3


def test_the_decision_is_in_core_permissions(partner, editor, scene, other_editor):
    ours, theirs = scene["ours"], scene["theirs"]
    assert permissions.is_action_partner(partner, ours)
    assert not permissions.is_action_partner(partner, theirs)
    assert permissions.can_update_action(partner, ours, ["progress", "status"])
    assert not permissions.can_update_action(partner, ours, ["progress", "deadline"])
    assert permissions.can_update_action(editor, ours, ["title"])
    assert not permissions.can_update_action(other_editor, ours)
    # A private roadmap is not shared with its partners: nothing to update there.
    Roadmap.objects.filter(pk=ours.roadmap_id).update(visibility=Roadmap.Visibility.PRIVATE)
    ours = Action.objects.select_related("roadmap").get(pk=ours.pk)
    assert not permissions.is_action_partner(partner, ours)


def test_partner_edit_sent_after_the_session_ended_comes_back_after_the_login(
    client, partner, scene, sofia_roadmap
):
    ours = scene["ours"]
    table = sofia_roadmap.get_absolute_url()
    # Anonymous now: the session ended while the row was open.
    response = client.post(
        _edit(ours),
        _partner_post(ours, progress=65),
        HTTP_HX_CURRENT_URL=f"http://testserver{table}",
        **HTMX,
    )
    assert response.status_code == 204
    client.force_login(partner)
    html = client.get(table).content.decode()
    assert "Your session had ended, so these changes were not saved." in html
    assert 'name="progress" value="65"' in html
    assert 'name="title"' not in html
    ours.refresh_from_db()
    assert ours.progress == 0
