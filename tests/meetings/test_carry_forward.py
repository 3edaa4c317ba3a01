"""Carry-forward: the next meeting opens with a review of the last one's open work."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from actions.models import Action
from meetings.models import AgendaItem, NextStep
from meetings.services import carry_forward_review, meeting_carry_forward
from tests import factories


@pytest.fixture(autouse=True)
def _english_city(sofia):
    # The review is written in the city's working language; these tests read English.
    sofia.language = "en"
    sofia.save()


@pytest.fixture
def next_meeting(sofia_roadmap, held_meeting):
    meeting = factories.meeting(sofia_roadmap, title="Fourth meeting")
    AgendaItem.objects.create(meeting=meeting, position=0, title="Opening")
    AgendaItem.objects.create(meeting=meeting, position=1, title="New proposals")
    return meeting


@pytest.fixture
def table(sofia_roadmap, held_meeting):
    """An overdue row, a row changed after the last meeting and a quiet one."""
    today = timezone.localdate()
    overdue = factories.action(
        sofia_roadmap, title="Volunteering platform", deadline=today - datetime.timedelta(days=5)
    )
    changed = factories.action(sofia_roadmap, title="CSR map", status="in_progress")
    quiet = factories.action(sofia_roadmap, title="Green roofs")
    before = held_meeting["meeting"].start - datetime.timedelta(days=1)
    Action.objects.filter(pk__in=[overdue.pk, quiet.pk]).update(changed_at=before)
    return {"overdue": overdue, "changed": changed, "quiet": quiet}


def test_review_lists_open_steps_and_overdue_or_changed_actions(next_meeting, held_meeting, table):
    done = NextStep.objects.create(
        meeting=held_meeting["meeting"], position=2, description="Already done", done=True
    )
    review = carry_forward_review(meeting=next_meeting)
    assert review.previous == held_meeting["meeting"]
    assert review.open_next_steps == [held_meeting["step"]]
    assert done not in review.open_next_steps
    assert review.overdue_actions == [table["overdue"]]
    assert review.changed_actions == [table["changed"]]


def test_carry_forward_puts_the_review_first_and_carries_open_steps(
    moderator, next_meeting, held_meeting, table
):
    result = meeting_carry_forward(meeting=next_meeting, by=moderator)

    titles = list(next_meeting.agenda_items.values_list("title", flat=True))
    assert titles == ["Review of previous results", "Opening", "New proposals"]
    notes = result.agenda_item.notes
    assert "Draft the awards' rules." in notes
    assert f"#{table['overdue'].pk} Volunteering platform" in notes
    assert f"#{table['changed'].pk} CSR map" in notes
    assert "Green roofs" not in notes
    (carried,) = result.carried_steps
    assert carried.meeting == next_meeting
    assert carried.carried_from == held_meeting["step"]
    assert carried.description == "Draft the awards' rules."
    assert carried.responsible_organisation == held_meeting["chamber"]


def test_carry_forward_twice_refreshes_the_review_and_carries_nothing_again(
    moderator, next_meeting, held_meeting, table
):
    meeting_carry_forward(meeting=next_meeting, by=moderator)
    second = meeting_carry_forward(meeting=next_meeting, by=moderator)
    assert second.carried_steps == []
    assert next_meeting.agenda_items.count() == 3
    assert next_meeting.next_steps.count() == 1


def test_carry_forward_may_leave_the_steps_behind(moderator, next_meeting, held_meeting):
    meeting_carry_forward(meeting=next_meeting, by=moderator, carry_next_steps=False)
    assert not next_meeting.next_steps.exists()
    assert next_meeting.agenda_items.first().title == "Review of previous results"


def test_first_meeting_has_nothing_to_carry(moderator, sofia_roadmap):
    first = factories.meeting(sofia_roadmap)
    with pytest.raises(ValidationError, match="nothing to carry forward"):
        meeting_carry_forward(meeting=first, by=moderator)
    assert not first.agenda_items.exists()


def test_a_held_meeting_does_not_take_over_results(moderator, held_meeting, next_meeting):
    next_meeting.status = "held"
    next_meeting.save()
    with pytest.raises(ValidationError, match="Only a planned meeting"):
        meeting_carry_forward(meeting=next_meeting, by=moderator)


def test_carried_step_keeps_its_passed_due_date_without_a_validation_error(
    moderator, next_meeting, held_meeting
):
    step = held_meeting["step"]
    step.due_date = timezone.localdate() - datetime.timedelta(days=1)
    step.save()
    (carried,) = meeting_carry_forward(meeting=next_meeting, by=moderator).carried_steps
    carried.full_clean()


@pytest.mark.parametrize("who", ["editor", "other_editor", "partner"])
def test_only_moderators_carry_forward(request, next_meeting, held_meeting, who):
    with pytest.raises(PermissionDenied):
        meeting_carry_forward(meeting=next_meeting, by=request.getfixturevalue(who))
    assert next_meeting.agenda_items.count() == 2


def test_review_is_written_in_the_citys_language(moderator, next_meeting, held_meeting, sofia):
    sofia.language = "bg"
    sofia.save()
    with translation.override("bg"):
        expected = translation.gettext("Review of previous results")
    result = meeting_carry_forward(meeting=next_meeting, by=moderator)
    assert result.agenda_item.title == expected


def test_errors_are_in_the_moderators_language(moderator, sofia_roadmap, sofia):
    sofia.language = "bg"
    sofia.save()
    first = factories.meeting(sofia_roadmap)
    with pytest.raises(ValidationError, match="nothing to carry forward"):
        meeting_carry_forward(meeting=first, by=moderator)
