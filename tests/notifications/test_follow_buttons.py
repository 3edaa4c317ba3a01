"""The follow button in the roadmap page's header and on the action page: a POST
form that htmx swaps in place, and that reloads the page without JavaScript; who
may follow what, per role."""

import pytest
from django.urls import reverse

from actions.models import Roadmap
from notifications.follows import followed
from tests import factories


@pytest.fixture
def shared(sofia_roadmap):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    return sofia_roadmap


def test_the_roadmap_page_has_a_follow_button_that_follows_and_stops(client, editor, shared):
    client.force_login(editor)
    page = client.get(shared.get_absolute_url()).content.decode()
    url = reverse("notifications:follow_roadmap", args=[shared.pk])
    assert f'action="{url}" hx-post="{url}" hx-target="this" hx-swap="outerHTML"' in page
    assert "Follow the whole roadmap" in page

    response = client.post(url, {"follow": "1", "next": shared.get_absolute_url()})
    assert response.status_code == 302  # without JavaScript: back to the page
    assert response["Location"] == shared.get_absolute_url()
    assert followed(editor, roadmap=shared)
    page = client.get(shared.get_absolute_url()).content.decode()
    assert "Stop following the roadmap" in page
    assert 'aria-pressed="true"' in page

    client.post(url, {"follow": "0", "next": shared.get_absolute_url()})
    assert not followed(editor, roadmap=shared)


def test_with_htmx_the_button_comes_back_in_its_new_state(client, partner, shared):
    client.force_login(partner)
    url = reverse("notifications:follow_roadmap", args=[shared.pk])
    here = shared.get_absolute_url() + "?status=done"
    response = client.post(url, {"follow": "1", "next": here}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert "<html" not in html
    assert "Stop following the roadmap" in html
    assert 'name="follow" value="0"' in html
    assert f'name="next" value="{shared.get_absolute_url()}?status=done"' in html
    assert 'role="status"' in html and "a daily mail tells you" in html
    assert "HX-Request" in response["Vary"]
    assert followed(partner, roadmap=shared)
    # No message waits for the next page: the button said it.
    assert "a daily mail" not in client.get(shared.get_absolute_url()).content.decode()


def test_with_htmx_the_action_button_stops_following_in_place(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, title="Row")
    client.force_login(editor)
    url = reverse("notifications:follow_action", args=[action.pk])
    client.post(url, {"follow": "1"})
    page = client.get(action.get_absolute_url()).content.decode()
    assert f'hx-post="{url}"' in page
    response = client.post(url, {"follow": "0"}, headers={"HX-Request": "true"})
    assert "Follow this action" in response.content.decode()
    assert not followed(editor, action=action)


def test_a_visitor_of_a_public_roadmap_sees_no_follow_button(client, sofia_roadmap):
    sofia_roadmap.visibility = Roadmap.Visibility.PUBLIC
    sofia_roadmap.save()
    page = client.get(sofia_roadmap.get_absolute_url()).content.decode()
    assert page.count("Follow the whole roadmap") == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("editor", 302),
        ("moderator", 302),
        ("partner", 302),  # the roadmap is shared with partners
        ("network_admin", 302),
        ("other_editor", 404),  # another city: as if it did not exist
        ("anonymous", 302),  # to log in
    ],
)
def test_who_may_follow_and_unfollow_a_roadmap_and_its_action(
    client, request, shared, role, status
):
    action = factories.action(shared, title="Row")
    user = None if role == "anonymous" else request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    for name, pk, thing in (
        ("notifications:follow_roadmap", shared.pk, {"roadmap": shared}),
        ("notifications:follow_action", action.pk, {"action": action}),
    ):
        url = reverse(name, args=[pk])
        for on in ("1", "0"):
            response = client.post(url, {"follow": on})
            assert response.status_code == status, (role, name, on)
            if role == "anonymous":
                assert response["Location"].startswith(reverse("login"))
            elif status == 302:
                assert followed(user, **thing) is (on == "1")
        if user is not None and status == 404:
            assert not followed(user, **thing)
