"""Closing a meeting, late minutes, and the checks on what a moderator types in."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.history_reasons import reason_text
from meetings.models import Attendance, Meeting, NextStep
from meetings.services import (
    attendance_outside_working_group,
    meeting_close,
    unclosed_meetings,
)
from stakeholders.models import Membership
from tests import factories


@pytest.fixture
def past_meeting(sofia_roadmap):
    start = timezone.now() - datetime.timedelta(days=2)
    return factories.meeting(sofia_roadmap, start=start, end=start + datetime.timedelta(hours=2))


def test_closing_records_the_summary_and_marks_the_meeting_held(moderator, past_meeting):
    closed = meeting_close(
        meeting=past_meeting, by=moderator, summary="  We agreed on three rows. "
    )
    assert closed.status == Meeting.Status.HELD
    assert closed.summary == "We agreed on three rows."
    record = closed.history.first()
    assert record.history_user == moderator
    assert reason_text(record.history_change_reason) == "meeting held"


def test_approving_the_minutes_after_the_meeting_was_held(moderator, past_meeting):
    meeting_close(meeting=past_meeting, by=moderator, summary="Summary")
    approved = meeting_close(meeting=past_meeting, by=moderator, approve_minutes=True)
    assert approved.status == Meeting.Status.MINUTES_APPROVED
    with pytest.raises(ValidationError, match="already approved"):
        meeting_close(meeting=past_meeting, by=moderator, approve_minutes=True)


def test_a_meeting_without_summary_is_not_closed(moderator, past_meeting):
    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=past_meeting, by=moderator, summary="   ")
    assert "summary" in error.value.message_dict
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.PLANNED


def test_a_meeting_that_has_not_started_is_not_closed(moderator, sofia_roadmap):
    future = factories.meeting(sofia_roadmap)
    with pytest.raises(ValidationError, match="not started yet"):
        meeting_close(meeting=future, by=moderator, summary="Too early")


@pytest.mark.parametrize("who", ["editor", "other_editor", "partner"])
def test_only_moderators_close_meetings(request, past_meeting, who):
    with pytest.raises(PermissionDenied):
        meeting_close(meeting=past_meeting, by=request.getfixturevalue(who), summary="x")


def test_unclosed_meetings_are_those_still_planned_a_week_after(sofia_roadmap):
    now = timezone.now()
    late = factories.meeting(
        sofia_roadmap, start=now - datetime.timedelta(days=10), end=now - datetime.timedelta(days=9)
    )
    factories.meeting(sofia_roadmap, start=now - datetime.timedelta(days=3))  # recent
    factories.meeting(
        sofia_roadmap, start=now - datetime.timedelta(days=20), status=Meeting.Status.HELD
    )
    no_end = factories.meeting(sofia_roadmap, start=now - datetime.timedelta(days=8))
    assert set(unclosed_meetings()) == {late, no_end}


def test_end_before_start_is_an_error_on_the_end_field(sofia_roadmap):
    start = timezone.now()
    meeting = Meeting(
        roadmap=sofia_roadmap,
        title="Backwards",
        number=1,
        start=start,
        end=start - datetime.timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict == {"end": ["A meeting cannot end before it starts."]}


def test_next_step_due_before_the_meeting_is_an_error(past_meeting):
    step = NextStep(
        meeting=past_meeting,
        description="Too late",
        due_date=timezone.localdate(past_meeting.start) - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        step.full_clean()
    assert "due_date" in error.value.message_dict
    step.due_date = timezone.localdate(past_meeting.start)
    step.full_clean()


def test_attendance_outside_the_working_group_is_reported(
    past_meeting, sofia, vratsa, sofia_company
):
    member = factories.person(sofia_company, "Member")
    guest_org = factories.organisation(vratsa, "Vratsa mill")
    guest = factories.person(guest_org, "Guest")
    independent = factories.person(None, "Independent expert")
    Membership.objects.create(city=sofia, person=independent)
    for person in (member, guest, independent):
        Attendance.objects.create(meeting=past_meeting, person=person)
    assert attendance_outside_working_group(meeting=past_meeting) == [guest]


def test_close_at_a_stale_state_is_refused_and_changes_nothing(moderator, past_meeting):
    opened = past_meeting.version
    meeting_close(meeting=past_meeting, by=moderator, summary="First", expected_version=opened)
    with pytest.raises(ValidationError) as refused:
        meeting_close(
            meeting=past_meeting,
            by=moderator,
            summary="Second",
            approve_minutes=True,
            expected_version=opened,
        )
    assert refused.value.code == "conflict"
    past_meeting.refresh_from_db()
    assert (past_meeting.status, past_meeting.summary) == ("held", "First")


def test_close_at_the_current_state_goes_through(moderator, past_meeting):
    meeting_close(meeting=past_meeting, by=moderator, summary="First")
    past_meeting.refresh_from_db()
    approved = meeting_close(
        meeting=past_meeting,
        by=moderator,
        approve_minutes=True,
        expected_version=past_meeting.version,
    )
    assert approved.status == Meeting.Status.MINUTES_APPROVED
