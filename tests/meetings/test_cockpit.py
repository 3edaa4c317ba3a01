"""The moderator's cockpit in the admin: live capture, carry-forward, closing,
invitations, late minutes; for the moderator of the city and of another city."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from docx import Document

from actions.models import Action
from meetings.models import Attendance, Contribution, Meeting, NextStep
from tests import factories

CHANGELIST = reverse("admin:meetings_meeting_changelist")
ADD = reverse("admin:meetings_meeting_add")


@pytest.fixture(autouse=True)
def _static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_city(sofia):
    # What the cockpit writes into the record is in the city's working language.
    sofia.language = "en"
    sofia.save()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _change(meeting) -> str:
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _accept_url(contribution) -> str:
    return reverse("admin:meetings_contribution_accept", args=[contribution.pk])


def _opened(client, meeting) -> dict:
    """The version the change form carries of the meeting as the user opened it."""
    page = client.get(_change(meeting))
    return {"version": page.context["adminform"].form["version"].value()}


def _action(action, selected, **extra):
    return {"action": action, "_selected_action": [obj.pk for obj in selected], **extra}


# --- Live capture ----------------------------------------------------------------


def test_meeting_page_offers_to_turn_the_proposal_into_a_row(client, moderator, held_meeting):
    client.force_login(moderator)
    page = client.get(_change(held_meeting["meeting"])).content.decode()
    assert "Live capture" in page
    assert _accept_url(held_meeting["proposal"]) in page
    assert _accept_url(held_meeting["comment"]) not in page


def test_accept_page_prefills_the_row_from_the_proposal(client, moderator, held_meeting):
    client.force_login(moderator)
    response = client.get(_accept_url(held_meeting["proposal"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Annual CSR awards in three categories"
    assert form.initial["status"] == Action.Status.AGREED


def test_moderator_creates_the_row_from_the_contribution_button(client, moderator, held_meeting):
    proposal = held_meeting["proposal"]
    client.force_login(moderator)
    response = client.post(
        _accept_url(proposal),
        {"title": "CSR awards", "activity_type": "event", "description": "Three categories"},
    )
    assert response.status_code == 302
    assert response["Location"] == _change(held_meeting["meeting"])
    row = Action.objects.get()
    assert (row.title, row.activity_type) == ("CSR awards", "event")
    assert row.history.get().history_user == moderator
    proposal.refresh_from_db()
    assert proposal.produced_action == row
    assert f"Created Action Table row {row.pk}: CSR awards" in _messages(response)


def test_moderator_applies_the_proposal_to_its_row_at_the_version_shown(
    client, moderator, held_meeting, sofia_roadmap
):
    existing = factories.action(sofia_roadmap, title="CSR awards", status="proposed")
    proposal = held_meeting["proposal"]
    proposal.action = existing
    proposal.save()
    client.force_login(moderator)
    page = client.get(_accept_url(proposal))
    assert page.context["related"] == existing
    assert ("status", "agreed") in page.context["changes"]
    response = client.post(_accept_url(proposal), {"version": existing.version})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.status == "agreed"
    assert existing.version == 2
    assert existing.history.first().history_user == moderator


def test_a_row_changed_since_the_page_was_opened_is_not_overwritten(
    client, moderator, held_meeting, sofia_roadmap
):
    existing = factories.action(sofia_roadmap, title="CSR awards", status="proposed", version=3)
    proposal = held_meeting["proposal"]
    proposal.action = existing
    proposal.save()
    client.force_login(moderator)
    response = client.post(_accept_url(proposal), {"version": 2})
    assert response.status_code == 302
    assert any("Somebody else saved this action" in m for m in _messages(response))
    existing.refresh_from_db()
    assert existing.status == "proposed"
    proposal.refresh_from_db()
    assert proposal.produced_action is None


@pytest.mark.parametrize("version", ["²", "١", "3" * 40, "-1"])
def test_accept_with_a_version_that_is_no_number_changes_nothing(
    client, moderator, held_meeting, sofia_roadmap, version
):
    existing = factories.action(sofia_roadmap, title="CSR awards", status="proposed", version=2)
    proposal = held_meeting["proposal"]
    proposal.action = existing
    proposal.save()
    client.force_login(moderator)
    response = client.post(_accept_url(proposal), {"version": version})
    assert response.status_code == 302
    assert any("not a number" in m for m in _messages(response))
    existing.refresh_from_db()
    assert (existing.status, existing.version) == ("proposed", 2)


def test_accepting_twice_from_the_button_names_the_row(client, moderator, held_meeting):
    client.force_login(moderator)
    client.post(
        _accept_url(held_meeting["proposal"]), {"title": "Awards", "activity_type": "event"}
    )
    row = Action.objects.get()
    response = client.get(_accept_url(held_meeting["proposal"]))
    assert response.status_code == 302
    assert any(f"it produced Action Table row {row.pk}" in m for m in _messages(response))
    assert Action.objects.count() == 1


def test_admin_action_turns_a_meetings_accepted_proposals_into_rows(
    client, moderator, held_meeting
):
    client.force_login(moderator)
    response = client.post(
        CHANGELIST, _action("accept_meeting_proposals", [held_meeting["meeting"]])
    )
    assert response.status_code == 302
    row = Action.objects.get()
    assert row.title == "Annual CSR awards in three categories"
    assert row.history.get().history_user == moderator
    # Run again: nothing is waiting any more, nothing is created twice.
    response = client.post(
        CHANGELIST, _action("accept_meeting_proposals", [held_meeting["meeting"]])
    )
    assert Action.objects.count() == 1
    assert "No accepted proposal is waiting to become a row." in _messages(response)


def test_contribution_admin_action_reports_each_refusal(client, moderator, held_meeting):
    url = reverse("admin:meetings_contribution_changelist")
    client.force_login(moderator)
    response = client.post(
        url,
        _action(
            "accept_selected_proposals",
            [held_meeting["proposal"], held_meeting["comment"]],
        ),
    )
    assert Action.objects.count() == 1
    texts = _messages(response)
    assert any("Only a proposal becomes an Action Table row" in m for m in texts)
    assert any(m.startswith("Created Action Table row") for m in texts)


def test_vratsa_moderator_cannot_accept_a_sofia_proposal(client, vratsa_moderator, held_meeting):
    client.force_login(vratsa_moderator)
    # Another city's proposal answers as one that does not exist (404).
    assert client.get(_accept_url(held_meeting["proposal"])).status_code == 404
    response = client.post(
        _accept_url(held_meeting["proposal"]), {"title": "x", "activity_type": "event"}
    )
    assert response.status_code == 404
    assert not Action.objects.exists()


def test_sofia_editor_cannot_accept_proposals(client, editor, held_meeting):
    client.force_login(editor)
    assert client.get(_accept_url(held_meeting["proposal"])).status_code == 403
    client.post(CHANGELIST, _action("accept_meeting_proposals", [held_meeting["meeting"]]))
    assert not Action.objects.exists()


# --- Carry-forward -----------------------------------------------------------------


def test_adding_the_next_meeting_starts_with_the_review(
    client, moderator, held_meeting, sofia_roadmap
):
    client.force_login(moderator)
    assert "carry_forward" in client.get(ADD).context["adminform"].form.fields
    start = timezone.now() + datetime.timedelta(days=14)
    draft = Meeting(roadmap=sofia_roadmap, number=2, title="Fourth meeting", start=start)
    response = client.post(ADD, factories.meeting_admin_form(draft, carry_forward="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = Meeting.objects.get(title="Fourth meeting")
    first = meeting.agenda_items.first()
    assert first.title == "Review of previous results"
    assert "Draft the awards' rules." in first.notes
    (carried,) = meeting.next_steps.all()
    assert carried.carried_from == held_meeting["step"]


def test_adding_without_the_review(client, moderator, held_meeting, sofia_roadmap):
    client.force_login(moderator)
    start = timezone.now() + datetime.timedelta(days=14)
    draft = Meeting(roadmap=sofia_roadmap, number=2, title="Fourth meeting", start=start)
    client.post(ADD, factories.meeting_admin_form(draft))
    assert not Meeting.objects.get(title="Fourth meeting").agenda_items.exists()


def test_carry_forward_page_previews_then_adds_the_review(
    client, moderator, held_meeting, sofia_roadmap
):
    meeting = factories.meeting(sofia_roadmap, title="Fourth meeting")
    url = reverse("admin:meetings_meeting_carry_forward", args=[meeting.pk])
    client.force_login(moderator)
    assert url in client.get(_change(meeting)).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["review"].open_next_steps == [held_meeting["step"]]
    response = client.post(url, {"carry_next_steps": "on"})
    assert response.status_code == 302
    assert meeting.agenda_items.get().title == "Review of previous results"
    assert meeting.next_steps.count() == 1


def test_vratsa_moderator_cannot_carry_forward_a_sofia_meeting(
    client, vratsa_moderator, held_meeting, sofia_roadmap
):
    meeting = factories.meeting(sofia_roadmap)
    client.force_login(vratsa_moderator)
    url = reverse("admin:meetings_meeting_carry_forward", args=[meeting.pk])
    assert client.post(url, {"carry_next_steps": "on"}).status_code == 404
    assert not meeting.agenda_items.exists()


# --- Closing the meeting -------------------------------------------------------------


def test_moderator_closes_then_approves_the_minutes(client, moderator, held_meeting):
    meeting = held_meeting["meeting"]
    meeting.status = Meeting.Status.PLANNED
    meeting.save()
    url = reverse("admin:meetings_meeting_close", args=[meeting.pk])
    client.force_login(moderator)
    assert url in client.get(_change(meeting)).content.decode()
    opened = meeting.version
    response = client.post(url, {"summary": "Three rows agreed.", "version": opened})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.summary) == ("held", "Three rows agreed.")
    client.post(
        url,
        {
            "summary": "Three rows agreed.",
            "approve_minutes": "on",
            "version": meeting.version,
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == "minutes_approved"
    assert meeting.history.first().history_user == moderator


def test_closing_a_future_meeting_shows_why_and_changes_nothing(client, moderator, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:meetings_meeting_close", args=[meeting.pk]),
        {"summary": "Early", "version": meeting.version},
    )
    assert response.status_code == 200
    assert "has not started yet" in str(response.context["form"].non_field_errors())
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_close_page_carries_the_state_it_was_opened_in(client, moderator, held_meeting):
    meeting = held_meeting["meeting"]
    client.force_login(moderator)
    page = client.get(reverse("admin:meetings_meeting_close", args=[meeting.pk]))
    assert f'name="version" value="{meeting.version}"' in page.content.decode()


def test_second_close_over_anothers_refuses_and_keeps_the_first(client, moderator, held_meeting):
    meeting = held_meeting["meeting"]
    meeting.status = Meeting.Status.PLANNED
    meeting.save()
    url = reverse("admin:meetings_meeting_close", args=[meeting.pk])
    opened = meeting.version
    client.force_login(moderator)
    first = client.post(url, {"summary": "First moderator's summary.", "version": opened})
    assert first.status_code == 302
    second = client.post(url, {"summary": "Second, from a page opened before.", "version": opened})
    assert second.status_code == 200
    assert "Somebody else saved this meeting since you opened it" in str(
        second.context["form"].non_field_errors()
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.summary) == ("held", "First moderator's summary.")


def test_close_without_the_version_is_refused(client, moderator, held_meeting):
    meeting = held_meeting["meeting"]
    client.force_login(moderator)
    response = client.post(
        reverse("admin:meetings_meeting_close", args=[meeting.pk]),
        {"summary": "Changed", "approve_minutes": "on"},
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.summary != "Changed"


def test_editor_and_other_moderator_cannot_close(client, editor, vratsa_moderator, held_meeting):
    url = reverse("admin:meetings_meeting_close", args=[held_meeting["meeting"].pk])
    # Sofia's editor sees the meeting and may not run it (403); to Vratsa's
    # moderator it is as a meeting that does not exist (404).
    for user, status in ((editor, 403), (vratsa_moderator, 404)):
        client.force_login(user)
        assert client.post(url, {"summary": "x", "approve_minutes": "on"}).status_code == status
    held_meeting["meeting"].refresh_from_db()
    assert held_meeting["meeting"].status == "held"


def test_list_filter_shows_meetings_not_closed_a_week_after(
    client, moderator, held_meeting, sofia_roadmap
):
    now = timezone.now()
    late = factories.meeting(sofia_roadmap, title="Late", start=now - datetime.timedelta(days=9))
    factories.meeting(sofia_roadmap, title="Recent", start=now - datetime.timedelta(days=2))
    client.force_login(moderator)
    response = client.get(CHANGELIST, {"closing": "late"})
    assert [m.title for m in response.context["cl"].result_list] == [late.title]
    assert "not closed a week after" in response.content.decode()


# --- Invitations, minutes, checks on input -----------------------------------------------


def test_invitation_action_emails_consenting_invitees_with_ics(
    client, moderator, sofia_roadmap, sofia_company
):
    meeting = factories.meeting(sofia_roadmap, title="Fourth meeting")
    willing = factories.person(sofia_company, "Willing", consent_to_contact=True)
    unwilling = factories.person(sofia_company, "Unwilling")
    for person in (willing, unwilling):
        Attendance.objects.create(meeting=meeting, person=person)
    client.force_login(moderator)
    response = client.post(CHANGELIST, _action("send_invitations", [meeting]))
    (message,) = mail.outbox
    assert message.to == [willing.email]
    assert message.attachments[0][0] == f"meeting-{meeting.number}.ics"
    texts = _messages(response)
    assert any("invitation to 1 person is being sent" in m for m in texts)
    assert any("Unwilling" in m and "has not consented" in m for m in texts)


def test_download_minutes_action(client, moderator, held_meeting):
    client.force_login(moderator)
    response = client.post(CHANGELIST, _action("download_minutes", [held_meeting["meeting"]]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == f"Minutes: {held_meeting['meeting']}"


def test_attendance_outside_the_working_group_warns_but_saves(
    client, moderator, held_meeting, sofia
):
    meeting = held_meeting["meeting"]
    outsider = factories.organisation(sofia, "Not a member", member=False)
    guest = factories.person(outsider, "Guest")
    client.force_login(moderator)
    response = client.post(
        _change(meeting),
        factories.meeting_admin_form(
            meeting,
            **_opened(client, meeting),
            **{
                "attendances-TOTAL_FORMS": 1,
                "attendances-0-person": guest.pk,
                "attendances-0-invited": "on",
            },
        ),
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=meeting, person=guest).exists()
    assert any(
        "Not in the working group of Sofia" in m and "Guest" in m for m in _messages(response)
    )


def test_next_step_due_before_the_meeting_is_refused_in_the_inline(client, moderator, held_meeting):
    meeting = held_meeting["meeting"]
    before = timezone.localdate(meeting.start) - datetime.timedelta(days=1)
    client.force_login(moderator)
    response = client.post(
        _change(meeting),
        factories.meeting_admin_form(
            meeting,
            **_opened(client, meeting),
            **{
                "next_steps-TOTAL_FORMS": 1,
                "next_steps-0-position": 5,
                "next_steps-0-description": "Too late",
                "next_steps-0-due_date": before.isoformat(),
            },
        ),
    )
    assert response.status_code == 200
    assert "cannot be due before the meeting" in response.content.decode()
    assert not NextStep.objects.filter(description="Too late").exists()


def test_end_before_start_is_shown_on_the_end_field(client, moderator, held_meeting):
    meeting = held_meeting["meeting"]
    start = timezone.localtime(meeting.start)
    earlier = start - datetime.timedelta(hours=1)
    client.force_login(moderator)
    response = client.post(
        _change(meeting),
        factories.meeting_admin_form(
            meeting,
            **_opened(client, meeting),
            end_0=earlier.date().isoformat(),
            end_1=earlier.time().strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end"] == [
        "A meeting cannot end before it starts."
    ]


def test_contribution_page_has_the_accept_button(client, moderator, held_meeting):
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_change", args=[held_meeting["proposal"].pk])
    assert _accept_url(held_meeting["proposal"]) in client.get(url).content.decode()
    held_meeting["proposal"].outcome = Contribution.Outcome.REJECTED
    held_meeting["proposal"].save()
    assert _accept_url(held_meeting["proposal"]) not in client.get(url).content.decode()


def test_change_page_shows_the_agenda_in_all(client, moderator, held_meeting, settings):
    client.force_login(moderator)
    page = client.get(_change(held_meeting["meeting"])).content.decode()
    assert "2 items, 70 minutes" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    assert "2 точки, 70 минути" in client.get(_change(held_meeting["meeting"])).content.decode()


def test_change_page_of_a_meeting_without_agenda_says_so(client, moderator, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap, title="Kick-off")
    client.force_login(moderator)
    assert "No agenda yet." in client.get(_change(meeting)).content.decode()


def test_the_accept_page_of_a_deferred_proposal_says_why_before_any_form(
    client, moderator, held_meeting
):
    # Opened by its address (the cockpit offers no button): no form to fill in vain.
    proposal = held_meeting["proposal"]
    proposal.outcome = "deferred"
    proposal.save()
    client.force_login(moderator)
    response = client.get(_accept_url(proposal))
    assert response.status_code == 302
    assert response["Location"] == _change(proposal.meeting)
    assert any("only an accepted proposal becomes a row" in m for m in _messages(response))
    assert Action.objects.count() == 0
