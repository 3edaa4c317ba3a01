"""Admin scoping of what a moderator (or editor) *does*, generated from the admin
site: every admin action of every model, and every admin URL that takes an
object (change, delete, history, revert, and the cockpit's close, carry-forward
and accept pages), pointed at another city's objects, changes nothing and sends
nothing. The changelists and change views are covered per app in
tests/*/test_admin.py."""

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import URLPattern, reverse

from actions.models import Action
from meetings.models import Meeting
from stakeholders.models import Membership
from tests import factories

from .adminworld import APPS, dress, objects_of, snapshot
from .urlmatrix import build_world


@pytest.fixture
def world(sofia, vratsa, other_editor):
    world = build_world(sofia=sofia, vratsa=vratsa, users={})
    dress(world.own, sofia)
    dress(world.other, vratsa, other_editor=other_editor)
    return world


def _registered():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS
    ]


def _action_names(model_admin, user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return list(model_admin.get_actions(request))


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_admin_actions_on_another_citys_objects_change_nothing(request, role, world, vratsa):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    before = snapshot()
    tried = []
    for model, model_admin in _registered():
        selected = objects_of(model, vratsa)
        assert selected, f"the fixture has no {model.__name__} of Vratsa"
        for name in _action_names(model_admin, user):
            response = client.post(
                _changelist(model),
                {"action": name, "_selected_action": selected, "index": 0, "post": "yes"},
            )
            where = f"{model.__name__} action {name} as {role}"
            assert response.status_code in (200, 302), f"{where}: {response.status_code}"
            assert "attachment" not in response.get("Content-Disposition", ""), (
                f"{where} downloaded another city's data"
            )
            assert snapshot() == before, f"{where} changed another city's rows"
            assert mail.outbox == [], f"{where} sent email"
            tried.append(f"{model.__name__}.{name}")
    # The custom actions of the moderator's cockpit were among them.
    if role == "moderator":
        for name in (
            "Meeting.accept_meeting_proposals",
            "Meeting.carry_forward",
            "Meeting.send_invitations",
            "Meeting.download_minutes",
            "Contribution.accept_selected_proposals",
            "Action.delete_selected",
        ):
            assert name in tried, f"{name} was not tried"


def test_bulk_delete_with_mixed_ids_removes_only_the_moderators_own(client, moderator, world):
    client.force_login(moderator)
    own, other = world.own.action, world.other.action
    client.post(
        _changelist(Action),
        {"action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"},
    )
    assert not Action.objects.filter(pk=own.pk).exists()
    assert Action.objects.filter(pk=other.pk).exists()


def test_accepting_proposals_with_mixed_meetings_makes_rows_only_in_own_city(
    client, moderator, world
):
    client.force_login(moderator)
    own_rows = world.own.roadmap.actions.count()
    other_rows = world.other.roadmap.actions.count()
    client.post(
        _changelist(Meeting),
        {
            "action": "accept_meeting_proposals",
            "_selected_action": [world.own.meeting.pk, world.other.meeting.pk],
            "index": 0,
        },
    )
    # The control: the action does work on the moderator's own meeting.
    assert world.own.roadmap.actions.count() == own_rows + 1
    assert world.other.roadmap.actions.count() == other_rows


def test_invitations_with_mixed_meetings_go_only_to_own_citys_invitees(client, moderator, world):
    client.force_login(moderator)
    client.post(
        _changelist(Meeting),
        {
            "action": "send_invitations",
            "_selected_action": [world.own.meeting.pk, world.other.meeting.pk],
            "index": 0,
        },
    )
    recipients = [address for message in mail.outbox for address in message.to]
    assert recipients == [world.own.person.email]


def _object_urls(model, model_admin):
    """Names and kwargs of the admin URLs of ``model`` that take one object."""
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or pattern.name is None:
            continue
        if "object_id" in pattern.pattern.regex.groupindex:
            yield pattern.name, set(pattern.pattern.regex.groupindex)


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_admin_object_pages_of_another_city_refuse_and_change_nothing(request, role, world, vratsa):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    before = snapshot()
    problems = []
    for model, model_admin in _registered():
        pk = objects_of(model, vratsa)[0]
        for name, groups in _object_urls(model, model_admin):
            kwargs = {"object_id": pk}
            if "version_id" in groups:
                history = getattr(model, "history", None)
                if history is None:
                    continue
                version = (
                    history.filter(**{model._meta.pk.attname: pk}).order_by("-history_id").first()
                )
                if version is None:
                    continue
                kwargs["version_id"] = version.history_id
            url = reverse(f"admin:{name}", kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"post": "yes", "summary": "x"})
                if response.status_code not in (302, 403, 404):
                    problems.append(f"{method.upper()} {url} as {role}: {response.status_code}")
                elif response.status_code == 302 and not response["Location"].startswith("/admin/"):
                    problems.append(f"{method.upper()} {url} as {role}: to {response['Location']}")
                if snapshot() != before:
                    problems.append(f"{method.upper()} {url} as {role} changed data")
                    before = snapshot()
    assert mail.outbox == []
    assert not problems, "\n".join(problems)


def test_memberships_of_another_city_are_out_of_the_moderators_reach(client, moderator, vratsa):
    org = factories.organisation(vratsa, "Vratsa Dairy")
    membership = Membership.objects.get(organisation=org, city=vratsa)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:stakeholders_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code in (302, 403, 404)
    assert Membership.objects.filter(pk=membership.pk).exists()
