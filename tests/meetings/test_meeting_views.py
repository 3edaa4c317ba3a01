"""/meetings/ and a meeting's page, for every role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Roadmap
from meetings.models import Attendance, Contribution
from meetings.services import proposal_accept
from tests import factories

LIST = reverse("meetings:list")
ADMIN_LINK = "Run this meeting in the admin"


def _detail(meeting):
    return reverse("meetings:meeting", args=[meeting.pk])


def _share_with_partners(roadmap):
    roadmap.visibility = Roadmap.Visibility.PARTNERS
    roadmap.save()


@pytest.fixture
def vratsa_meeting(vratsa_roadmap):
    return factories.meeting(vratsa_roadmap, title="Vratsa kick-off")


# --- The list ------------------------------------------------------------------


def test_editor_lists_own_city_meetings_only(client, editor, held_meeting, vratsa_meeting):
    client.force_login(editor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [m.title for m in response.context["meetings"]] == ["Preparing the Action Table"]
    html = response.content.decode()
    assert _detail(held_meeting["meeting"]) in html
    assert "Vratsa kick-off" not in html


def test_list_counts_organisations_present_and_contributions(client, moderator, held_meeting):
    client.force_login(moderator)
    (meeting,) = client.get(LIST).context["meetings"]
    assert meeting.organisation_count == 2
    assert meeting.contribution_count == 2


def test_network_admin_lists_every_meeting(client, network_admin, held_meeting, vratsa_meeting):
    client.force_login(network_admin)
    titles = {m.title for m in client.get(LIST).context["meetings"]}
    assert titles == {"Preparing the Action Table", "Vratsa kick-off"}


def test_other_city_editor_does_not_list_a_private_roadmap_meeting(
    client, other_editor, held_meeting, vratsa_meeting
):
    client.force_login(other_editor)
    assert [m.title for m in client.get(LIST).context["meetings"]] == ["Vratsa kick-off"]


def test_partner_lists_meetings_of_roadmaps_shared_with_partners(
    client, partner, held_meeting, sofia_roadmap
):
    client.force_login(partner)
    assert list(client.get(LIST).context["meetings"]) == []
    _share_with_partners(sofia_roadmap)
    assert list(client.get(LIST).context["meetings"]) == [held_meeting["meeting"]]


def test_anonymous_lists_only_meetings_of_public_roadmaps(client, held_meeting, sofia_roadmap):
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["meetings"]) == []
    assert "Log in to see your city's meetings" in response.content.decode()
    sofia_roadmap.visibility = Roadmap.Visibility.PUBLIC
    sofia_roadmap.save()
    assert list(client.get(LIST).context["meetings"]) == [held_meeting["meeting"]]


def _fill(roadmap, organisation, size):
    start = timezone.now() - datetime.timedelta(days=400)
    for n in range(size):
        meeting = factories.meeting(
            roadmap, number=100 + n, start=start + datetime.timedelta(days=n)
        )
        Attendance.objects.create(
            meeting=meeting, person=factories.person(organisation), attended=True
        )
        Contribution.objects.create(meeting=meeting, text=f"Proposal {n}")


@pytest.mark.parametrize("size", [5, 50])
def test_list_query_count_does_not_grow_with_meetings(
    client, editor, sofia_roadmap, sofia_company, django_assert_num_queries, size
):
    _fill(sofia_roadmap, sofia_company, size)
    client.force_login(editor)
    client.get(LIST)  # warm the session
    # 1 session, 2 user, 3 user's groups, 4 city access, 5 user's person,
    # 6 meetings with roadmap, city and their counts.
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert len(response.context["meetings"]) == size


# --- A meeting's page ------------------------------------------------------------


def test_staff_see_agenda_attendance_contributions_and_next_steps_with_people(
    client, editor, held_meeting
):
    client.force_login(editor)
    response = client.get(_detail(held_meeting["meeting"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Review",
        "In all: 70 minutes",
        "Chamber of Commerce",
        "Demo Company Ltd",
        "Stefan Demov",
        "Viktor Demov",
        "Annual CSR awards",
        "accepted",
        "Supported by everybody",
        "Draft the awards",
        "https://meet.example.org/sofia-csr",
    ):
        assert text in html, text
    assert ADMIN_LINK not in html


def test_partner_sees_organisations_but_not_people(client, partner, held_meeting, sofia_roadmap):
    _share_with_partners(sofia_roadmap)
    client.force_login(partner)
    response = client.get(_detail(held_meeting["meeting"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chamber of Commerce" in html
    assert "Annual CSR awards" in html
    assert "Stefan Demov" not in html
    assert "Viktor Demov" not in html
    assert ADMIN_LINK not in html


def test_moderator_and_network_admin_get_the_cockpit_link(
    client, moderator, network_admin, held_meeting
):
    for user in (moderator, network_admin):
        client.force_login(user)
        html = client.get(_detail(held_meeting["meeting"])).content.decode()
        assert ADMIN_LINK in html
        assert "Stefan Demov" in html
        assert reverse("admin:meetings_meeting_change", args=[held_meeting["meeting"].pk]) in html


def test_contribution_links_to_the_action_it_produced(client, moderator, held_meeting):
    row = proposal_accept(contribution=held_meeting["proposal"], by=moderator)
    client.force_login(moderator)
    html = client.get(_detail(held_meeting["meeting"])).content.decode()
    assert f'href="{row.get_absolute_url()}"' in html
    assert f"action {row.pk}: {row.title}" in html


# Every file of a meeting answers like its page.
MEETING_URLS = ["meetings:meeting", "meetings:minutes", "meetings:ics"]


@pytest.mark.parametrize("name", MEETING_URLS)
def test_partner_gets_404_for_a_private_roadmap_meeting(client, partner, held_meeting, name):
    client.force_login(partner)
    assert client.get(reverse(name, args=[held_meeting["meeting"].pk])).status_code == 404


@pytest.mark.parametrize("name", MEETING_URLS)
def test_partner_reads_a_partners_roadmap_meeting(
    client, partner, held_meeting, sofia_roadmap, name
):
    _share_with_partners(sofia_roadmap)
    client.force_login(partner)
    assert client.get(reverse(name, args=[held_meeting["meeting"].pk])).status_code == 200


@pytest.mark.parametrize("name", MEETING_URLS)
def test_other_city_editor_gets_404(client, other_editor, held_meeting, name):
    client.force_login(other_editor)
    assert client.get(reverse(name, args=[held_meeting["meeting"].pk])).status_code == 404


@pytest.mark.parametrize("name", MEETING_URLS)
@pytest.mark.parametrize("who", ["editor", "moderator", "network_admin"])
def test_staff_of_the_city_and_network_admin_read_everything(
    request, client, held_meeting, name, who
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name, args=[held_meeting["meeting"].pk])).status_code == 200


@pytest.mark.parametrize("name", MEETING_URLS)
def test_anonymous_is_sent_to_log_in(client, held_meeting, name):
    url = reverse(name, args=[held_meeting["meeting"].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", MEETING_URLS)
def test_anonymous_reads_a_public_roadmap_meeting_without_people(
    client, held_meeting, sofia_roadmap, name
):
    sofia_roadmap.visibility = Roadmap.Visibility.PUBLIC
    sofia_roadmap.save()
    response = client.get(reverse(name, args=[held_meeting["meeting"].pk]))
    assert response.status_code == 200
    if name == "meetings:meeting":
        assert "Stefan Demov" not in response.content.decode()


def test_unknown_meeting_is_404_for_a_user(client, editor):
    client.force_login(editor)
    assert client.get(reverse("meetings:meeting", args=[999])).status_code == 404


def _every_meeting_url(meeting) -> list[str]:
    return [
        reverse("meetings:list"),
        *(reverse(name, args=[meeting.pk]) for name in MEETING_URLS),
        reverse("meetings:roadmap_ics", args=[meeting.roadmap_id]),
    ]


def test_meeting_pages_refuse_writes(client, editor, held_meeting):
    client.force_login(editor)
    for url in _every_meeting_url(held_meeting["meeting"]):
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url).status_code == 405, f"{method.__name__.upper()} {url}"


def test_meeting_pages_answer_head_like_get(client, editor, held_meeting):
    """Safe methods (require_safe): link checkers and calendar apps send HEAD."""
    client.force_login(editor)
    for url in _every_meeting_url(held_meeting["meeting"]):
        get, head = client.get(url), client.head(url)
        assert (head.status_code, head["Content-Type"]) == (200, get["Content-Type"]), url
        assert head.content == b"", url
