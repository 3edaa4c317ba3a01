"""The moderator's cockpit: meetings and their parts in the Django admin, scoped by city."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.permissions import forget_access
from meetings.models import AgendaItem, Attendance, Contribution, Meeting, NextStep
from tests import factories

CHANGELIST = reverse("admin:meetings_meeting_changelist")


@pytest.fixture
def sofia_meeting(sofia_roadmap):
    return factories.meeting(sofia_roadmap, title="Preparing the Action Table")


@pytest.fixture
def vratsa_meeting(vratsa_roadmap):
    return factories.meeting(vratsa_roadmap, title="Vratsa kick-off")


@pytest.fixture
def both_meetings(sofia_meeting, vratsa_meeting):
    return sofia_meeting, vratsa_meeting


def change_url(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def titles(response):
    return {m.title for m in response.context["cl"].result_list}


# --- Who sees what ----------------------------------------------------------


def test_sofia_moderator_changelist_hides_vratsa_meetings(client, moderator, both_meetings):
    client.force_login(moderator)
    assert titles(client.get(CHANGELIST)) == {"Preparing the Action Table"}


def test_sofia_editor_sees_sofia_meetings(client, editor, both_meetings):
    client.force_login(editor)
    assert titles(client.get(CHANGELIST)) == {"Preparing the Action Table"}


def test_vratsa_editor_changelist_hides_sofia_meetings(client, other_editor, both_meetings):
    client.force_login(other_editor)
    assert titles(client.get(CHANGELIST)) == {"Vratsa kick-off"}


def test_network_admin_sees_every_meeting(client, network_admin, both_meetings):
    client.force_login(network_admin)
    assert titles(client.get(CHANGELIST)) == {"Preparing the Action Table", "Vratsa kick-off"}


def test_partner_is_sent_to_admin_login(client, partner, both_meetings):
    client.force_login(partner)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_sofia_moderator_cannot_open_vratsa_meeting(client, moderator, vratsa_meeting):
    client.force_login(moderator)
    response = client.get(change_url(vratsa_meeting))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_vratsa_moderator_cannot_change_sofia_meeting(client, vratsa_moderator, sofia_meeting):
    client.force_login(vratsa_moderator)
    client.post(
        change_url(sofia_meeting), factories.meeting_admin_form(sofia_meeting, title="Hijacked")
    )
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.title == "Preparing the Action Table"


def test_sofia_editor_views_sofia_meeting_but_cannot_change_it(client, editor, sofia_meeting):
    client.force_login(editor)
    response = client.get(change_url(sofia_meeting))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = client.post(
        change_url(sofia_meeting), factories.meeting_admin_form(sofia_meeting, title="Changed")
    )
    assert response.status_code == 403
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.title == "Preparing the Action Table"


def test_sofia_editor_cannot_revert_sofia_meeting_from_history(client, editor, sofia_meeting):
    record = sofia_meeting.history.get()
    client.force_login(editor)
    url = reverse("admin:meetings_meeting_simple_history", args=[sofia_meeting.pk, record.pk])
    response = client.post(url, factories.meeting_admin_form(sofia_meeting, title="Reverted"))
    assert response.status_code == 403
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.title == "Preparing the Action Table"


def test_vratsa_moderator_cannot_read_sofia_meeting_history(
    client, vratsa_moderator, sofia_meeting
):
    client.force_login(vratsa_moderator)
    url = reverse("admin:meetings_meeting_history", args=[sofia_meeting.pk])
    # As for a meeting that does not exist: nothing tells that it does.
    assert client.get(url).status_code == 404
    assert client.get(reverse("admin:meetings_meeting_history", args=[999_999])).status_code == 404


# --- The cockpit ------------------------------------------------------------


def test_moderator_meeting_page_has_agenda_attendance_contributions_and_next_steps(
    client, moderator, sofia_meeting, sofia_company
):
    speaker = factories.person(sofia_company, "Maria Ivanova")
    AgendaItem.objects.create(meeting=sofia_meeting, title="Review of the work events")
    Attendance.objects.create(meeting=sofia_meeting, person=speaker, attended=True)
    Contribution.objects.create(meeting=sofia_meeting, author=speaker, text="A CSR fair")
    NextStep.objects.create(meeting=sofia_meeting, description="Send the draft table")
    client.force_login(moderator)

    response = client.get(change_url(sofia_meeting))

    assert response.status_code == 200
    assert response.context["has_change_permission"]
    inlines = {f.formset.prefix: f for f in response.context["inline_admin_formsets"]}
    assert set(inlines) == {"agenda_items", "attendances", "contributions", "next_steps"}
    assert all(len(inline.formset.queryset) == 1 for inline in inlines.values())
    page = response.content.decode()
    for text in ("Review of the work events", "A CSR fair", "Send the draft table"):
        assert text in page


def opened(client, url) -> dict:
    """The version the change form at ``url`` carries of its object as opened."""
    return {"version": client.get(url).context["adminform"].form["version"].value()}


def test_moderator_saves_meeting_with_agenda_item(client, moderator, sofia_meeting):
    client.force_login(moderator)
    response = client.post(
        change_url(sofia_meeting),
        factories.meeting_admin_form(
            sofia_meeting,
            phase="Drafting",
            **opened(client, change_url(sofia_meeting)),
            **{
                "agenda_items-TOTAL_FORMS": 1,
                "agenda_items-0-position": 1,
                "agenda_items-0-title": "Preparing the Action Table",
                "agenda_items-0-duration_minutes": 45,
            },
        ),
    )
    assert response.status_code == 302
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.phase == "Drafting"
    assert [a.title for a in sofia_meeting.agenda_items.all()] == ["Preparing the Action Table"]
    assert sofia_meeting.history.latest("history_date").history_user == moderator


def test_moderator_turns_the_meetings_reminder_off_and_sets_its_hours(
    client, moderator, sofia_meeting
):
    client.force_login(moderator)
    form = factories.meeting_admin_form(
        sofia_meeting, reminder_hours=24, **opened(client, change_url(sofia_meeting))
    )
    del form["reminder_on"]
    assert client.post(change_url(sofia_meeting), form).status_code == 302
    sofia_meeting.refresh_from_db()
    assert (sofia_meeting.reminder_on, sofia_meeting.reminder_hours) == (False, 24)


def test_meeting_status_and_summary_change_only_on_the_close_page(client, moderator, sofia_meeting):
    client.force_login(moderator)
    page = client.get(change_url(sofia_meeting))
    form = page.context["adminform"].form
    assert "status" not in form.fields
    assert "summary" not in form.fields
    assert reverse("admin:meetings_meeting_close", args=[sofia_meeting.pk]) in (
        page.content.decode()
    )

    response = client.post(
        change_url(sofia_meeting),
        factories.meeting_admin_form(
            sofia_meeting,
            phase="Drafting",
            status="minutes_approved",
            summary="Written past the close page.",
            **opened(client, change_url(sofia_meeting)),
        ),
    )

    assert response.status_code == 302
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.phase == "Drafting"
    assert (sofia_meeting.status, sofia_meeting.summary) == ("planned", "")


def test_new_meeting_starts_planned_without_summary(client, moderator, sofia_roadmap):
    client.force_login(moderator)
    start = timezone.now() + datetime.timedelta(days=3)
    draft = Meeting(roadmap=sofia_roadmap, number=1, title="Kick-off", start=start)
    response = client.post(
        reverse("admin:meetings_meeting_add"),
        factories.meeting_admin_form(
            draft, status="minutes_approved", summary="Closed before it met."
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Kick-off")
    assert (meeting.status, meeting.summary) == ("planned", "")


def test_moderator_cannot_revert_a_meeting_from_history(client, moderator, sofia_meeting):
    """Not even its moderator: a revert would set the status past meeting_close."""
    Meeting.objects.filter(pk=sofia_meeting.pk).update(status="held")
    record = sofia_meeting.history.get()
    client.force_login(moderator)
    url = reverse("admin:meetings_meeting_simple_history", args=[sofia_meeting.pk, record.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"]
    response = client.post(url, factories.meeting_admin_form(sofia_meeting, title="Reverted"))
    assert response.status_code == 403
    sofia_meeting.refresh_from_db()
    assert (sofia_meeting.title, sofia_meeting.status) == ("Preparing the Action Table", "held")


def test_moderator_cannot_revert_a_contribution_from_history(client, moderator, sofia_meeting):
    contribution = Contribution.objects.create(meeting=sofia_meeting, text="A CSR fair")
    record = contribution.history.get()
    Contribution.objects.filter(pk=contribution.pk).update(text="A CSR fair in May")
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_simple_history", args=[contribution.pk, record.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "meeting": sofia_meeting.pk,
            "position": 0,
            "kind": contribution.kind,
            "outcome": contribution.outcome,
            "text": "A CSR fair",
        },
    )
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.text == "A CSR fair in May"


def test_moderator_cannot_pick_vratsa_roadmap_for_a_meeting(
    client, moderator, sofia_roadmap, vratsa_roadmap
):
    client.force_login(moderator)
    url = reverse("admin:meetings_meeting_add")
    form = client.get(url).context["adminform"].form
    assert list(form.fields["roadmap"].queryset) == [sofia_roadmap]
    start = timezone.now() + datetime.timedelta(days=3)
    response = client.post(
        url,
        factories.meeting_admin_form(
            Meeting(roadmap=vratsa_roadmap, number=1, title="Planted", start=start),
        ),
    )
    assert "roadmap" in response.context["adminform"].form.errors
    assert not Meeting.objects.filter(title="Planted").exists()


def test_action_autocomplete_in_contributions_offers_no_vratsa_actions(
    client, moderator, sofia_roadmap, vratsa_roadmap
):
    factories.action(sofia_roadmap, title="CSR fair")
    factories.action(vratsa_roadmap, title="Vratsa volunteering day")
    client.force_login(moderator)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "meetings", "model_name": "contribution", "field_name": "action"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["CSR fair"]


@pytest.mark.parametrize("model", ["agendaitem", "attendance", "contribution", "nextstep"], ids=str)
def test_meeting_parts_changelists_hide_other_cities(
    client, moderator, sofia_meeting, vratsa_meeting, sofia_company, vratsa, model
):
    sofia_person = factories.person(sofia_company)
    vratsa_person = factories.person(factories.organisation(vratsa))
    for meeting, person in ((sofia_meeting, sofia_person), (vratsa_meeting, vratsa_person)):
        AgendaItem.objects.create(meeting=meeting, title=f"Agenda of {meeting.title}")
        Attendance.objects.create(meeting=meeting, person=person)
        Contribution.objects.create(meeting=meeting, text=f"Said in {meeting.title}")
        NextStep.objects.create(meeting=meeting, description=f"After {meeting.title}")
    client.force_login(moderator)
    response = client.get(reverse(f"admin:meetings_{model}_changelist"))
    assert {row.meeting_id for row in response.context["cl"].result_list} == {sofia_meeting.pk}


def test_sofia_editor_cannot_change_a_contribution(client, editor, sofia_meeting):
    contribution = Contribution.objects.create(meeting=sofia_meeting, text="A CSR fair")
    client.force_login(editor)
    url = reverse("admin:meetings_contribution_change", args=[contribution.pk])
    response = client.post(url, {"meeting": sofia_meeting.pk, "text": "Changed", "kind": "comment"})
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.text == "A CSR fair"


@pytest.mark.parametrize("meetings", [5, 50])
def test_meeting_changelist_query_count_does_not_grow_with_rows(
    client, moderator, sofia_roadmap, sofia_company, django_assert_num_queries, meetings
):
    chair = factories.person(sofia_company)
    for _ in range(meetings):
        factories.meeting(sofia_roadmap, moderator=chair)
    client.force_login(moderator)
    forget_access(moderator)
    # 1 session, 2 user, 3-4 model permissions (user's, groups'), 5 groups,
    # 6 city access, 7 person (these three for access_for), 8 roadmap filter
    # choices with their cities, 9 filtered count, 10 total count, 11 the page
    # of rows with roadmap, city, moderator and organisation joined, 12-13
    # date hierarchy (first and last start, then the years or months).
    with django_assert_num_queries(13):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == meetings


@pytest.mark.parametrize(
    "model", ["meeting", "agendaitem", "attendance", "contribution", "nextstep"]
)
def test_network_admin_opens_every_meetings_admin_page(
    client, network_admin, sofia_meeting, sofia_company, model
):
    person = factories.person(sofia_company)
    obj = {
        "meeting": sofia_meeting,
        "agendaitem": AgendaItem.objects.create(meeting=sofia_meeting, title="Welcome"),
        "attendance": Attendance.objects.create(meeting=sofia_meeting, person=person),
        "contribution": Contribution.objects.create(meeting=sofia_meeting, text="A fair"),
        "nextstep": NextStep.objects.create(meeting=sofia_meeting, description="Draft"),
    }[model]
    client.force_login(network_admin)
    for url in (
        reverse(f"admin:meetings_{model}_changelist"),
        reverse(f"admin:meetings_{model}_changelist") + "?q=a",
        reverse(f"admin:meetings_{model}_add"),
        reverse(f"admin:meetings_{model}_change", args=[obj.pk]),
        reverse(f"admin:meetings_{model}_history", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url


# Deleting: a held meeting is the record of what the group decided.


def delete_url(meeting):
    return reverse("admin:meetings_meeting_delete", args=[meeting.pk])


def test_moderator_deletes_a_planned_meeting_with_history(client, moderator, sofia_meeting):
    client.force_login(moderator)
    response = client.post(delete_url(sofia_meeting), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=sofia_meeting.pk).exists()
    record = Meeting.history.filter(id=sofia_meeting.pk).latest("history_id")
    assert record.history_type == "-"
    assert record.history_user == moderator


def test_held_meeting_offers_no_delete_and_refuses_one(client, moderator, sofia_meeting):
    Meeting.objects.filter(pk=sofia_meeting.pk).update(status=Meeting.Status.HELD)
    client.force_login(moderator)
    page = client.get(change_url(sofia_meeting))
    assert page.status_code == 200
    assert delete_url(sofia_meeting) not in page.content.decode()
    assert client.get(delete_url(sofia_meeting)).status_code == 403
    assert client.post(delete_url(sofia_meeting), {"post": "yes"}).status_code == 403
    assert Meeting.objects.filter(pk=sofia_meeting.pk).exists()


def test_bulk_delete_with_a_held_meeting_deletes_nothing(client, moderator, sofia_roadmap):
    planned = factories.meeting(sofia_roadmap, title="Planned one")
    held = factories.meeting(sofia_roadmap, title="Held one", status="held")
    client.force_login(moderator)
    response = client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [planned.pk, held.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Nothing was deleted" in response.content.decode()
    assert Meeting.objects.filter(pk__in=[planned.pk, held.pk]).count() == 2


def test_bulk_delete_of_planned_meetings_goes_through_the_service(client, moderator, sofia_roadmap):
    first = factories.meeting(sofia_roadmap, title="Planned one")
    second = factories.meeting(sofia_roadmap, title="Planned two")
    client.force_login(moderator)
    response = client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk__in=[first.pk, second.pk]).exists()
    users = set(
        Meeting.history.filter(id__in=[first.pk, second.pk], history_type="-").values_list(
            "history_user", flat=True
        )
    )
    assert users == {moderator.pk}


def test_other_city_moderator_cannot_delete_a_meeting(client, vratsa_moderator, sofia_meeting):
    client.force_login(vratsa_moderator)
    response = client.post(delete_url(sofia_meeting), {"post": "yes"})
    # Out of scope: the admin's "does not exist" redirect to its index, as for any
    # object the user may not see.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert Meeting.objects.filter(pk=sofia_meeting.pk).exists()


def _contribution(meeting, text="Annual CSR awards"):
    return Contribution.objects.create(meeting=meeting, position=1, kind="proposal", text=text)


@pytest.mark.parametrize(("status", "deletable"), [("planned", True), ("held", False)])
def test_inline_rows_of_a_held_meeting_offer_no_delete(
    client, moderator, sofia_meeting, status, deletable
):
    Meeting.objects.filter(pk=sofia_meeting.pk).update(status=status)
    _contribution(sofia_meeting)
    client.force_login(moderator)
    page = client.get(change_url(sofia_meeting)).content.decode()
    assert ('name="contributions-0-DELETE"' in page) is deletable


def test_part_of_a_held_meeting_refuses_its_delete_view(client, moderator, sofia_meeting):
    contribution = _contribution(sofia_meeting)
    Meeting.objects.filter(pk=sofia_meeting.pk).update(status=Meeting.Status.HELD)
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_delete", args=[contribution.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Contribution.objects.filter(pk=contribution.pk).exists()


def test_part_of_a_planned_meeting_is_deleted(client, moderator, sofia_meeting):
    contribution = _contribution(sofia_meeting)
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_delete", args=[contribution.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Contribution.objects.filter(pk=contribution.pk).exists()


def test_bulk_delete_of_parts_with_one_of_a_held_meeting_deletes_nothing(
    client, moderator, sofia_roadmap
):
    planned = factories.meeting(sofia_roadmap, title="Planned one")
    held = factories.meeting(sofia_roadmap, title="Held one", status="held")
    parts = [_contribution(planned), _contribution(held)]
    client.force_login(moderator)
    response = client.post(
        reverse("admin:meetings_contribution_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [part.pk for part in parts],
            "post": "yes",
        },
        follow=True,
    )
    assert "Nothing was deleted" in response.content.decode()
    assert Contribution.objects.filter(pk__in=[part.pk for part in parts]).count() == 2


def test_meeting_stays_in_its_roadmap(client, moderator, sofia_meeting, sofia):
    other = factories.roadmap(sofia, title="Second Sofia roadmap")
    client.force_login(moderator)
    response = client.post(
        change_url(sofia_meeting),
        factories.meeting_admin_form(
            sofia_meeting, roadmap=other.pk, **opened(client, change_url(sofia_meeting))
        ),
    )
    assert response.status_code == 302
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.roadmap_id != other.pk


def test_a_new_meetings_form_is_filled_as_the_moderator_would(
    client, moderator, sofia, sofia_meeting, sofia_roadmap, vratsa_roadmap
):
    """They moderate it; their one roadmap, and its next number, are filled in."""
    own = factories.person(
        factories.organisation(sofia, "Sofia Municipality", kind="municipality"), user=moderator
    )
    client.force_login(moderator)
    form = client.get(reverse("admin:meetings_meeting_add")).context["adminform"].form
    assert form.initial["moderator"] == own.pk
    assert form.initial["roadmap"] == sofia_roadmap.pk
    assert form.initial["number"] == sofia_meeting.number + 1
    # A second roadmap of theirs: the link names the one (as the roadmap's page links).
    second = factories.roadmap(sofia, title="Sofia 2030")
    form = client.get(reverse("admin:meetings_meeting_add")).context["adminform"].form
    assert "roadmap" not in form.initial and "number" not in form.initial
    form = (
        client.get(reverse("admin:meetings_meeting_add"), {"roadmap": second.pk})
        .context["adminform"]
        .form
    )
    assert form.initial["number"] == 1


def test_a_new_meetings_form_of_a_user_without_a_person_names_no_moderator(
    client, network_admin, sofia_roadmap
):
    client.force_login(network_admin)
    form = client.get(reverse("admin:meetings_meeting_add")).context["adminform"].form
    assert "moderator" not in form.initial
