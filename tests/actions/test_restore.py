"""Undoing a removal: the Removed actions list and actions.services.action_restore."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import services
from actions.history import action_history_entries
from actions.models import Action, Indicator
from tests import factories


@pytest.fixture
def removed(sofia_roadmap, sofia_company, editor):
    action = services.action_create(
        roadmap=sofia_roadmap,
        data={"title": "School programme", "activity_type": "training", "progress": 10},
        by=editor,
    )
    action = services.action_update(
        action=action,
        data={"key_partners": [sofia_company]},
        by=editor,
        expected_version=1,
    )
    kept = factories.indicator(action, name="Schools", baseline=0, target=12)
    dropped = factories.indicator(action, name="Dropped before")
    services.action_indicators_update(
        action=action,
        indicators=[
            {
                "id": kept.pk,
                "name": "Schools",
                "unit": "",
                "baseline": 0,
                "target": 12,
                "current": None,
                "source": "",
            },
            {"id": dropped.pk, "delete": True},
        ],
        by=editor,
        expected_version=action.version,
    )
    action.refresh_from_db()
    services.action_delete(action=action, by=editor, expected_version=action.version)
    return {"pk": action.pk, "version": action.version, "kept": kept.pk, "dropped": dropped.pk}


def _list_url(roadmap):
    return reverse("actions:removed_actions", args=[roadmap.pk])


def test_removed_action_is_listed_for_its_editors(client, editor, sofia_roadmap, removed):
    client.force_login(editor)
    response = client.get(_list_url(sofia_roadmap))
    assert response.status_code == 200
    assert [r.id for r in response.context["removals"]] == [removed["pk"]]
    assert "School programme" in response.content.decode()


def test_restore_brings_the_row_back_as_a_new_version_with_its_history(
    client, editor, sofia_roadmap, sofia_company, removed
):
    client.force_login(editor)
    response = client.post(_list_url(sofia_roadmap), {"action": removed["pk"]})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{removed['pk']}")
    action = Action.objects.get(pk=removed["pk"])
    assert action.version == removed["version"] + 1
    assert list(action.key_partners.all()) == [sofia_company]
    # The indicator removed with the row is back; the one removed on its own earlier is not.
    assert list(action.indicators.values_list("pk", flat=True)) == [removed["kept"]]
    assert not Indicator.objects.filter(pk=removed["dropped"]).exists()
    kinds = [entry.kind for entry in action_history_entries(action)]
    assert kinds[:2] == ["created", "removed"]
    assert len(kinds) == 5
    # The table shows it with its message beside it.
    table = client.get(response["Location"].split("#")[0]).content.decode()
    assert "row-flash-message" in table and "Restored: School programme" in table
    assert client.get(_list_url(sofia_roadmap)).context["removals"] == []


def test_a_restored_row_cannot_be_restored_twice(editor, sofia_roadmap, removed):
    services.action_restore(roadmap=sofia_roadmap, action_id=removed["pk"], by=editor)
    with pytest.raises(ValidationError):
        services.action_restore(roadmap=sofia_roadmap, action_id=removed["pk"], by=editor)


def test_restore_through_another_roadmap_is_refused(editor, sofia, removed):
    other = factories.roadmap(sofia)
    with pytest.raises(ValidationError):
        services.action_restore(roadmap=other, action_id=removed["pk"], by=editor)


def test_restore_of_an_action_in_the_table_says_so(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap)
    client.force_login(editor)
    response = client.post(_list_url(sofia_roadmap), {"action": action.pk}, follow=True)
    assert "This action is not among the removed actions." in response.content.decode()
    assert client.post(_list_url(sofia_roadmap), {}).status_code == 400


def test_other_city_editor_and_partner_cannot_restore(
    client, other_editor, partner, sofia_roadmap, removed
):
    client.force_login(other_editor)
    assert client.post(_list_url(sofia_roadmap), {"action": removed["pk"]}).status_code == 404
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    client.force_login(partner)
    assert client.post(_list_url(sofia_roadmap), {"action": removed["pk"]}).status_code == 403
    assert not Action.objects.filter(pk=removed["pk"]).exists()


def test_removal_message_links_to_the_removed_actions(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, title="Tree planting")
    client.force_login(editor)
    response = client.post(
        reverse("actions:action_delete", args=[action.pk]), {"version": 1}, follow=True
    )
    assert f'href="{_list_url(sofia_roadmap)}"' in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_removed_list_query_count_does_not_grow(
    client, editor, sofia_roadmap, django_assert_num_queries, size
):
    for _ in range(size):
        action = factories.action(sofia_roadmap)
        services.action_delete(action=action, by=editor, expected_version=1)
    client.force_login(editor)
    client.get(_list_url(sofia_roadmap))  # warm the session
    # 1 session, 2 user, 3 user's groups, 4 city access, 5 user's person,
    # 6 roadmap with city, 7 the removals with who removed them.
    with django_assert_num_queries(7):
        response = client.get(_list_url(sofia_roadmap))
    assert len(response.context["removals"]) == size
