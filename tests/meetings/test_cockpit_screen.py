"""The moderator's cockpit at 1366 px (issue 13): inviting the working group in one
step, the close page asking when nobody is marked present, one wording for close and
approve, the accept page's fields, the meeting list's columns, and the change page's
query count at two sizes of meeting."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Attendance, Contribution, Meeting, NextStep
from tests import factories


@pytest.fixture(autouse=True)
def _static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _change(meeting) -> str:
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


@pytest.fixture
def group(sofia, vratsa):
    company = factories.organisation(sofia, "Company")
    ngo = factories.organisation(sofia, "NGO")
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    return {
        "maria": factories.person(company, name="Maria", consent_to_contact=True),
        "ivan": factories.person(company, name="Ivan"),
        "rosa": factories.person(ngo, name="Rosa"),
        "other": factories.person(outsider, name="Not of Sofia"),
    }


def test_invite_the_working_group_fills_attendance_in_one_step(
    client, moderator, sofia_roadmap, group
):
    meeting = factories.meeting(sofia_roadmap)
    Attendance.objects.create(meeting=meeting, person=group["ivan"], invited=False)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "invite_working_group", "_selected_action": [meeting.pk]},
        follow=True,
    )
    assert response.status_code == 200
    listed = {a.person.name: a.invited for a in meeting.attendances.select_related("person")}
    assert listed == {"Maria": True, "Rosa": True, "Ivan": False}
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "2 people of the working group added" in text
    assert "1 of them consent to be contacted; 1 were on it already" in text
    # The consent is shown beside each person on the meeting's page.
    page = client.get(_change(meeting)).content.decode()
    assert "field-consent" in page


def test_invite_the_working_group_is_refused_for_a_held_meeting(moderator, sofia_roadmap, group):
    meeting = factories.meeting(sofia_roadmap, status=Meeting.Status.HELD)
    with pytest.raises(ValidationError):
        services.meeting_invite_working_group(meeting=meeting, by=moderator)
    assert not meeting.attendances.exists()


def test_editor_cannot_invite_the_working_group(editor, sofia_roadmap, group):
    meeting = factories.meeting(sofia_roadmap)
    with pytest.raises(PermissionDenied):
        services.meeting_invite_working_group(meeting=meeting, by=editor)
    assert not meeting.attendances.exists()


def _started(roadmap):
    return factories.meeting(roadmap, start=timezone.now() - datetime.timedelta(hours=3))


def test_closing_with_nobody_present_asks_first(client, moderator, sofia_roadmap, group):
    meeting = _started(sofia_roadmap)
    url = reverse("admin:meetings_meeting_close", args=[meeting.pk])
    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert 'value="Close the meeting"' in page
    data = {"summary": "We agreed.", "version": meeting.version}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Nobody is marked present at this meeting." in response.content.decode()
    assert 'type="checkbox" name="confirm_as_it_is"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    response = client.post(url, {**data, "confirm_as_it_is": "on"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_closing_with_somebody_present_does_not_ask(client, moderator, sofia_roadmap, group):
    meeting = _started(sofia_roadmap)
    Attendance.objects.create(meeting=meeting, person=group["maria"], attended=True)
    client.force_login(moderator)
    url = reverse("admin:meetings_meeting_close", args=[meeting.pk])
    response = client.post(url, {"summary": "We agreed.", "version": meeting.version})
    assert response.status_code == 302


def test_the_approve_step_is_named_as_its_link_names_it(client, moderator, sofia_roadmap):
    meeting = _started(sofia_roadmap)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    client.force_login(moderator)
    page = client.get(reverse("admin:meetings_meeting_close", args=[meeting.pk]))
    assert 'value="Approve the minutes"' in page.content.decode()
    assert ">Approve the minutes</a>" in client.get(_change(meeting)).content.decode()


def test_accept_page_asks_challenge_partners_and_a_dated_deadline(
    client, moderator, sofia_roadmap, group
):
    meeting = factories.meeting(sofia_roadmap)
    challenge = factories.challenge(sofia_roadmap, title="Inclusion")
    proposal = Contribution.objects.create(
        meeting=meeting, position=0, author=group["maria"], text="Mentoring for schools"
    )
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_accept", args=[proposal.pk])
    html = client.get(url).content.decode()
    for name in ("title", "challenge", "lead_partner", "key_partners"):
        assert f'name="{name}"' in html
    # The admin's own date field and calendar (static/admin/js/admin/DateTimeShortcuts.js).
    assert 'name="deadline" class="vDateField"' in html
    assert "admin/js/admin/DateTimeShortcuts.js" in html
    lead = group["rosa"].organisation
    response = client.post(
        url,
        {
            "title": "Mentoring for schools",
            "activity_type": "training",
            "challenge": challenge.pk,
            "lead_partner": lead.pk,
            "key_partners": [group["maria"].organisation_id],
            "deadline": "2030-06-30",
        },
    )
    assert response.status_code == 302
    row = sofia_roadmap.actions.get(title="Mentoring for schools")
    assert (row.challenge, row.lead_partner, row.deadline) == (
        challenge,
        lead,
        datetime.date(2030, 6, 30),
    )
    assert list(row.key_partners.all()) == [group["maria"].organisation]


def test_meeting_list_shows_short_columns(client, moderator, sofia_roadmap):
    factories.meeting(sofia_roadmap, title="A very long title " * 10)
    client.force_login(moderator)
    html = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    for column in ("short_title", "city", "start", "format", "status", "moderator"):
        assert f"column-{column}" in html
    assert ">A very long title A very long title A very long title A ver…</a>" in html


def _fill(meeting, people, size):
    for n in range(size):
        AgendaItem.objects.create(meeting=meeting, position=n, title=f"Item {n}")
        NextStep.objects.create(meeting=meeting, position=n, description=f"Step {n}")
        Contribution.objects.create(meeting=meeting, position=n, text=f"Idea {n}")
    for person in people[:size]:
        Attendance.objects.create(meeting=meeting, person=person)


@pytest.mark.parametrize("size", [2, 12])
def test_meeting_change_page_query_count_does_not_grow(
    client, moderator, sofia, sofia_roadmap, django_assert_num_queries, size
):
    organisation = factories.organisation(sofia, "Company")
    people = [factories.person(organisation, name=f"Person {n}") for n in range(12)]
    meeting = factories.meeting(sofia_roadmap)
    _fill(meeting, people, size)
    client.force_login(moderator)
    client.get(_change(meeting))  # warm the session
    # The same at 2 and at 12 of each part: the session, the user, their groups,
    # cities and permissions; the meeting and its cockpit (late minutes, proposals,
    # the contributions that may be pledges); one query per inline (agenda, attendance with people and organisations,
    # contributions, next steps) and their choices; the attendance's autocompletes
    # are labelled from the rows read (core.admin_widgets.KnownAutocompleteSelect).
    with django_assert_num_queries(20):
        response = client.get(_change(meeting))
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][1].formset.forms) == size


def test_the_meetings_page_invites_the_working_group_with_one_button(
    client, moderator, sofia_roadmap, group
):
    """The button on the meeting's admin page (an object tool), not only the list's action."""
    meeting = factories.meeting(sofia_roadmap)
    Attendance.objects.create(meeting=meeting, person=group["ivan"], invited=False)
    client.force_login(moderator)
    invite = reverse("admin:meetings_meeting_invite", args=[meeting.pk])
    page = client.get(_change(meeting)).content.decode()
    assert f'action="{invite}"' in page and 'name="confirm"' in page

    # Without the button's confirm (a link, an empty POST): who would be added, asked first.
    asked = client.get(invite).content.decode()
    assert "Maria" in asked and "Rosa" in asked and "Ivan" not in asked
    assert client.post(invite, {}).status_code == 200
    assert meeting.attendances.count() == 1

    response = client.post(invite, {"confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == _change(meeting)
    listed = {a.person.name: a.invited for a in meeting.attendances.select_related("person")}
    assert listed == {"Maria": True, "Rosa": True, "Ivan": False}
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "2 people of the working group added" in text


def test_a_closed_meeting_offers_no_invitation_and_refuses_one(
    client, moderator, sofia_roadmap, group
):
    meeting = factories.meeting(sofia_roadmap, status=Meeting.Status.HELD)
    client.force_login(moderator)
    invite = reverse("admin:meetings_meeting_invite", args=[meeting.pk])
    assert f'action="{invite}"' not in client.get(_change(meeting)).content.decode()
    response = client.post(invite, {"confirm": "1"})
    assert response.status_code == 200
    assert "closed" in response.content.decode()
    assert not meeting.attendances.exists()


def test_an_editor_may_not_invite_from_the_meetings_page(client, editor, sofia_roadmap, group):
    meeting = factories.meeting(sofia_roadmap)
    client.force_login(editor)
    invite = reverse("admin:meetings_meeting_invite", args=[meeting.pk])
    assert client.post(invite, {"confirm": "1"}).status_code == 403
    assert not meeting.attendances.exists()


@pytest.mark.parametrize("page", ["close", "carry_forward", "accept"])
def test_the_cockpits_own_pages_wear_the_admins_form_styles(client, moderator, sofia_roadmap, page):
    """Closing, the review of previous results and the accept page look like the
    admin's forms: its forms.css, capitalised labels, required ones marked."""
    factories.meeting(sofia_roadmap, start=timezone.now() - datetime.timedelta(days=30))
    meeting = factories.meeting(sofia_roadmap)
    if page == "accept":
        proposal = Contribution.objects.create(
            meeting=meeting, kind="proposal", text="A new row", outcome="accepted"
        )
        url = reverse("admin:meetings_contribution_accept", args=[proposal.pk])
    else:
        url = reverse(f"admin:meetings_meeting_{page}", args=[meeting.pk])
    client.force_login(moderator)
    html = client.get(url).content.decode()
    assert "/static/admin/css/forms.css" in html
    labels = {
        "close": '<label for="id_summary" class="required">Summary:</label>',
        "carry_forward": "Carry the open next steps into this meeting",
        "accept": '<label for="id_title" class="required">Title:</label>',
    }
    assert labels[page] in html
    if page == "close":
        assert 'class="vCheckboxLabel">Approve the minutes</label>' in html
