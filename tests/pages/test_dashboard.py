"""The dashboard at /: my roadmaps, overdue and due-soon actions, our actions, the next meeting."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Roadmap
from cities4csr.views import DASHBOARD_LIMIT
from tests import factories

DAY = datetime.timedelta(days=1)


def _days(n: int) -> datetime.date:
    return timezone.localdate() + n * DAY


@pytest.fixture
def scene(sofia, vratsa, sofia_company, sofia_roadmap, vratsa_roadmap):
    """Both cities with an overdue, a due-soon and a later action, and a meeting each."""
    other_company = factories.organisation(sofia, "Other Company")
    rows = {
        "sofia_overdue": factories.action(
            sofia_roadmap,
            title="Sofia overdue action",
            status=Action.Status.IN_PROGRESS,
            deadline=_days(-10),
            lead_partner=sofia_company,
        ),
        "sofia_soon": factories.action(
            sofia_roadmap,
            title="Sofia due-soon action",
            status=Action.Status.AGREED,
            deadline=_days(5),
            lead_partner=other_company,
            key_partners=[sofia_company],
        ),
        "sofia_later": factories.action(
            sofia_roadmap,
            title="Sofia later action",
            deadline=_days(100),
            lead_partner=other_company,
        ),
        "sofia_done": factories.action(
            sofia_roadmap,
            title="Sofia finished action",
            status=Action.Status.DONE,
            deadline=_days(-20),
            lead_partner=sofia_company,
        ),
        "vratsa_overdue": factories.action(
            vratsa_roadmap, title="Vratsa overdue action", deadline=_days(-3)
        ),
        "vratsa_soon": factories.action(
            vratsa_roadmap, title="Vratsa due-soon action", deadline=_days(3)
        ),
    }
    factories.meeting(sofia_roadmap, title="Sofia past meeting", start=timezone.now() - 7 * DAY)
    rows["sofia_meeting"] = factories.meeting(
        sofia_roadmap,
        title="Sofia working group",
        start=timezone.now() + 3 * DAY,
        link="https://meet.example.org/sofia",
    )
    factories.meeting(sofia_roadmap, title="Sofia later meeting", start=timezone.now() + 30 * DAY)
    rows["vratsa_meeting"] = factories.meeting(
        vratsa_roadmap,
        title="Vratsa working group",
        start=timezone.now() + 1 * DAY,
        format="in_person",
        place="Vratsa town hall",
    )
    return rows


def _share(roadmap, visibility):
    Roadmap.objects.filter(pk=roadmap.pk).update(visibility=visibility)


def _dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


# --- Who sees what -------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, scene):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_editor_sees_own_city_and_not_the_private_roadmap_of_another(client, editor, scene):
    response = _dashboard(client, editor)
    body = response.content.decode()
    assert [r.title for r in response.context["roadmaps"]] == ["Sofia CSR roadmap"]
    assert "Sofia overdue action" in body
    assert "Sofia due-soon action" in body
    assert "Vratsa" not in body
    # Neither the later action nor a finished one is on the dashboard.
    assert "Sofia later action" not in body
    assert "Sofia finished action" not in body


def test_editor_of_vratsa_sees_only_vratsa(client, other_editor, scene):
    body = _dashboard(client, other_editor).content.decode()
    assert "Vratsa CSR roadmap" in body
    assert "Vratsa overdue action" in body
    assert "Vratsa working group" in body
    assert "Sofia" not in body


def test_public_roadmap_of_another_city_is_not_one_of_mine(client, editor, scene, vratsa_roadmap):
    _share(vratsa_roadmap, Roadmap.Visibility.PUBLIC)
    response = _dashboard(client, editor)
    assert [r.title for r in response.context["roadmaps"]] == ["Sofia CSR roadmap"]
    assert "Vratsa overdue action" not in response.content.decode()


def test_partner_does_not_see_a_private_roadmap(client, partner, scene):
    body = _dashboard(client, partner).content.decode()
    assert "Sofia CSR roadmap" not in body
    assert "Sofia overdue action" not in body
    assert "Sofia working group" not in body
    assert "Your organisation has not been invited to a roadmap yet" in body
    assert "Vratsa" not in body


@pytest.mark.parametrize("visibility", [Roadmap.Visibility.PARTNERS, Roadmap.Visibility.PUBLIC])
def test_partner_sees_a_shared_roadmap(client, partner, scene, sofia_roadmap, visibility):
    _share(sofia_roadmap, visibility)
    body = _dashboard(client, partner).content.decode()
    assert "Sofia CSR roadmap" in body
    assert "Sofia overdue action" in body
    assert "Sofia working group" in body
    assert "Vratsa" not in body


def test_partner_sees_our_actions_led_or_partnered(client, partner, scene, sofia_roadmap):
    _share(sofia_roadmap, Roadmap.Visibility.PARTNERS)
    response = _dashboard(client, partner)
    ours = [a.title for a in response.context["our_actions"]]
    # Led by the partner's company, and one where it is a key partner; not the finished
    # one nor one of another organisation.
    assert ours == ["Sofia overdue action", "Sofia due-soon action"]
    assert response.context["roadmaps"][0].our_count == 3  # the link to ?ours=on shows all
    assert f"{reverse('actions:roadmap', args=[sofia_roadmap.pk])}?ours=on" in (
        response.content.decode()
    )


def test_our_count_is_what_the_tables_ours_filter_shows(client, partner, scene, sofia_roadmap):
    """The dashboard and the table's ?ours=on each say which rows are "ours": they agree."""
    _share(sofia_roadmap, Roadmap.Visibility.PARTNERS)
    # A row the company leads and is also a key partner of counts once.
    factories.action(
        sofia_roadmap,
        title="Sofia row led and partnered",
        lead_partner=scene["sofia_overdue"].lead_partner,
        key_partners=[scene["sofia_overdue"].lead_partner],
    )
    (roadmap,) = _dashboard(client, partner).context["roadmaps"]
    table = client.get(reverse("actions:roadmap", args=[sofia_roadmap.pk]), {"ours": "on"})
    assert table.status_code == 200
    assert roadmap.our_count == table.context["shown"] == 4


def test_staff_without_an_organisation_have_no_our_actions(client, editor, scene):
    response = _dashboard(client, editor)
    assert response.context["our_actions"] is None
    assert "Our open actions" not in response.content.decode()


def test_moderator_gets_a_link_to_manage_the_next_meeting(client, moderator, scene):
    body = _dashboard(client, moderator).content.decode()
    meeting = scene["sofia_meeting"]
    assert reverse("admin:meetings_meeting_change", args=[meeting.pk]) in body


@pytest.mark.parametrize("who", ["editor", "partner"])
def test_next_meeting_has_no_admin_link_for_who_cannot_manage_it(
    client, request, scene, sofia_roadmap, who
):
    _share(sofia_roadmap, Roadmap.Visibility.PARTNERS)
    body = _dashboard(client, request.getfixturevalue(who)).content.decode()
    assert "Sofia working group" in body
    assert "/admin/" not in body.split('id="next-meeting"')[1]
    # Everybody who sees the meeting can open its page.
    assert scene["sofia_meeting"].get_absolute_url() in body.split('id="next-meeting"')[1]


def test_network_admin_sees_every_city(client, network_admin, scene):
    response = _dashboard(client, network_admin)
    body = response.content.decode()
    assert {r.title for r in response.context["roadmaps"]} == {
        "Sofia CSR roadmap",
        "Vratsa CSR roadmap",
    }
    assert "Sofia overdue action" in body
    assert "Vratsa overdue action" in body
    # The earliest upcoming meeting of all, which the network admin may manage.
    assert response.context["next_meeting"] == scene["vratsa_meeting"]
    assert reverse("admin:meetings_meeting_change", args=[scene["vratsa_meeting"].pk]) in body


def test_user_linked_to_no_city_is_told_why_the_dashboard_is_empty(client, scene):
    nobody = factories.user("nobody")
    body = _dashboard(client, nobody).content.decode()
    assert "not linked to a city" in body
    assert "Sofia" not in body


# --- What is shown ----------------------------------------------------------------


def test_roadmap_row_counts_and_links(client, editor, scene, sofia_roadmap):
    response = _dashboard(client, editor)
    row = response.context["roadmaps"][0]
    assert (row.action_count, row.overdue_count, row.due_soon_count) == (4, 1, 1)
    body = response.content.decode()
    table = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    assert f'href="{sofia_roadmap.get_absolute_url()}"' in body
    assert f'href="{table}?due=overdue"' in body
    assert f'href="{table}?due=soon"' in body
    assert f'href="{reverse("actions:timeline", args=[sofia_roadmap.pk])}"' in body
    assert f'href="{scene["sofia_overdue"].get_absolute_url()}"' in body


def test_next_meeting_is_the_earliest_upcoming_one(client, editor, scene):
    response = _dashboard(client, editor)
    assert response.context["next_meeting"] == scene["sofia_meeting"]
    body = response.content.decode()
    assert "Sofia past meeting" not in body
    assert "Sofia later meeting" not in body
    assert 'href="https://meet.example.org/sofia"' in body
    assert "Online" in body


def test_next_meeting_shows_its_place(client, other_editor, scene):
    body = _dashboard(client, other_editor).content.decode()
    assert "Vratsa town hall" in body
    assert "In person" in body


def test_empty_states(client, editor, sofia_roadmap):
    body = _dashboard(client, editor).content.decode()
    assert "Nothing is overdue" in body
    assert "No open action has its deadline in this period." in body
    assert "No meeting is planned." in body
    # An editor does not run meetings: no invitation to plan one.
    assert reverse("admin:meetings_meeting_add") not in body


def test_moderator_is_invited_to_plan_a_meeting(client, moderator, sofia_roadmap):
    body = _dashboard(client, moderator).content.decode()
    assert reverse("admin:meetings_meeting_add") in body


def test_staff_without_a_roadmap_are_told_where_it_comes_from(client, editor):
    body = _dashboard(client, editor).content.decode()
    assert "Your city has no roadmap yet." in body


def test_long_lists_are_cut_and_point_to_the_filtered_table(client, editor, sofia_roadmap):
    for n in range(DASHBOARD_LIMIT + 5):
        factories.action(sofia_roadmap, title=f"Late {n}", deadline=_days(-1 - n))
    response = _dashboard(client, editor)
    assert len(response.context["overdue"]) == DASHBOARD_LIMIT
    assert response.context["overdue_total"] == DASHBOARD_LIMIT + 5
    # The longest overdue come first.
    assert response.context["overdue"][0].title == f"Late {DASHBOARD_LIMIT + 4}"
    table = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    assert f"{table}?due=overdue" in response.content.decode()


def test_dates_are_localised(client, editor, sofia_roadmap):
    factories.action(sofia_roadmap, title="Old", deadline=datetime.date(2021, 9, 16))
    factories.meeting(
        sofia_roadmap,
        start=datetime.datetime(2099, 9, 16, 10, 0, tzinfo=datetime.timezone.utc),
    )
    client.force_login(editor)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    body = client.get(reverse("dashboard")).content.decode()
    assert "16.09.2021" in body
    assert "16.09.2099" in body
    assert "13:00" in body  # 10:00 UTC in Sofia's summer time

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("dashboard")).content.decode()
    assert "16/09/2021" in body
    assert "16 Sept. 2099" in body
    assert "13:00" in body  # a 24-hour clock in English too


# --- Queries ----------------------------------------------------------------------


def _fill(roadmap, organisation, count):
    for n in range(count):
        factories.action(
            roadmap,
            title=f"Row {n}",
            deadline=_days(n % 40 - 10),
            lead_partner=organisation if n % 2 else None,
            key_partners=[organisation] if n % 3 == 0 else (),
        )


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_the_data(
    client, partner, sofia_company, sofia_roadmap, size
):
    _share(sofia_roadmap, Roadmap.Visibility.PARTNERS)
    _fill(sofia_roadmap, sofia_company, size)
    factories.meeting(sofia_roadmap)
    client.force_login(partner)
    # 1 session, 2 user,
    # 3 the user's groups, 4 their person (organisation), 5 their organisation's cities,
    # 6 my roadmaps with their counts, 7 their cost, secured and gap,
    # 8 overdue actions, 9 due-soon actions, 10 our actions, 11 the next meeting,
    # 12 the funded, secured and gap of the actions with funding lines (7 is now the
    # cost of all: resource_totals._grouped_funding).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert len(queries) == 12, "\n".join(q["sql"] for q in queries.captured_queries)
    assert response.context["roadmaps"][0].action_count == size


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_for_an_editor(client, editor, sofia_company, sofia_roadmap, size):
    _fill(sofia_roadmap, sofia_company, size)
    factories.meeting(sofia_roadmap)
    client.force_login(editor)
    # 1 session, 2 user, 3 groups, 4 city access, 5 person,
    # 6 my roadmaps with their counts, 7 their cost, secured and gap,
    # 8 overdue, 9 due soon, 10 the next meeting, 11 recent partner updates (issue 16),
    # 12 the funded, secured and gap of the actions with funding lines (7 is now the
    # cost of all: resource_totals._grouped_funding).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert len(queries) == 12, "\n".join(q["sql"] for q in queries.captured_queries)


def test_navbar_marks_the_dashboard_as_the_current_page(client, editor, sofia_roadmap):
    body = _dashboard(client, editor).content.decode()
    assert f'href="{reverse("dashboard")}" aria-current="page"' in body
    assert f'href="{reverse("actions:roadmap_list")}" aria-current' not in body
    body = client.get(reverse("actions:roadmap_list")).content.decode()
    assert f'href="{reverse("actions:roadmap_list")}" aria-current="page"' in body
    assert f'href="{reverse("dashboard")}" aria-current' not in body
