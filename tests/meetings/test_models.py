"""What the meeting models refuse or keep on their own, whichever path a write takes."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.utils import timezone

from actions.models import Action
from actions.services import action_delete
from core.history_reasons import reason_text
from meetings.models import AgendaItem, Attendance, Contribution, Meeting, NextStep
from meetings.services import meeting_delete, proposal_accept
from tests import factories

# --- A contribution's actions are rows of its meeting's roadmap ----------------


def test_related_action_of_another_roadmap_is_refused(held_meeting, vratsa_roadmap):
    proposal = held_meeting["proposal"]
    proposal.action = factories.action(vratsa_roadmap, title="Vratsa's row")

    with pytest.raises(ValidationError) as raised:
        proposal.full_clean()

    (error,) = raised.value.error_dict["action"]
    assert error.code == "other_roadmap"
    assert "The related action must be a row of the meeting's roadmap" in error.messages[0]
    assert "Sofia CSR roadmap" in error.messages[0]


def test_related_action_of_the_meetings_roadmap_is_accepted(held_meeting, sofia_roadmap):
    proposal = held_meeting["proposal"]
    proposal.action = factories.action(sofia_roadmap)
    proposal.full_clean()


def test_produced_action_of_another_roadmap_is_refused(held_meeting, vratsa_roadmap):
    proposal = held_meeting["proposal"]
    proposal.produced_action = factories.action(vratsa_roadmap)

    with pytest.raises(ValidationError) as raised:
        proposal.full_clean()

    assert list(raised.value.error_dict) == ["produced_action"]
    assert raised.value.error_dict["produced_action"][0].code == "other_roadmap"


def test_a_mismatch_saved_before_the_rule_does_not_block_later_saves(held_meeting, vratsa_roadmap):
    """Nobody can choose the produced row in a form, so an old mismatch is no form error."""
    proposal = held_meeting["proposal"]
    Contribution.objects.filter(pk=proposal.pk).update(
        produced_action=factories.action(vratsa_roadmap)
    )
    proposal.refresh_from_db()
    proposal.discussion_summary = "Edited later."
    proposal.full_clean()


def test_moving_a_contribution_to_another_citys_meeting_is_refused_in_a_form(
    held_meeting, sofia_roadmap, vratsa_roadmap
):
    """The form has no produced_action field: its error is shown on the form, not a crash."""
    proposal = held_meeting["proposal"]
    row = factories.action(sofia_roadmap)
    Contribution.objects.filter(pk=proposal.pk).update(action=row, produced_action=row)
    proposal.refresh_from_db()
    elsewhere = factories.meeting(vratsa_roadmap)
    form_class = modelform_factory(Contribution, fields=["meeting", "kind", "text", "action"])
    form = form_class(
        {"meeting": elsewhere.pk, "kind": "proposal", "text": proposal.text, "action": row.pk},
        instance=proposal,
    )

    assert not form.is_valid()
    assert form.errors["action"][0].startswith("The related action must be a row")
    assert form.errors[NON_FIELD_ERRORS][0].startswith("The action produced must be a row")


# --- Deleting a row a proposal produced ------------------------------------------


def test_deleting_the_produced_row_keeps_the_proposal_and_records_it(
    editor, moderator, held_meeting
):
    proposal = held_meeting["proposal"]
    row = proposal_accept(contribution=proposal, by=moderator)
    row_id = row.pk

    action_delete(action=row, by=editor, expected_version=row.version)

    proposal.refresh_from_db()
    assert (proposal.action, proposal.produced_action) == (None, None)
    assert proposal.outcome == Contribution.Outcome.ACCEPTED
    # The contribution's own history says when, by whom and which row...
    latest, accepted = proposal.history.all()[:2]
    assert (latest.produced_action_id, latest.action_id) == (None, None)
    assert latest.history_user == editor
    assert reason_text(latest.history_change_reason) == f"Action Table row {row_id} deleted"
    # ...and the record before it still links to the row, whose history keeps it.
    assert accepted.produced_action_id == row_id
    deleted = Action.history.filter(id=row_id).latest("history_date")
    assert (deleted.history_type, deleted.title) == ("-", row.title)


def test_deleting_a_related_row_unlinks_only_that_row(editor, held_meeting, sofia_roadmap):
    comment = held_meeting["comment"]
    about, other = factories.action(sofia_roadmap), factories.action(sofia_roadmap)
    comment.action = about
    comment.save()
    held_meeting["proposal"].action = other
    held_meeting["proposal"].save()

    action_delete(action=about, by=editor, expected_version=about.version)

    comment.refresh_from_db()
    held_meeting["proposal"].refresh_from_db()
    assert comment.action is None
    assert comment.history.first().history_user == editor
    assert held_meeting["proposal"].action == other


# --- Deleting a meeting --------------------------------------------------------


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED])
def test_a_held_meeting_cannot_be_deleted(held_meeting, moderator, status):
    meeting = held_meeting["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(status=status)

    for delete in (
        lambda: meeting_delete(meeting=meeting, by=moderator),
        meeting.delete,  # a stale instance that still says "held" or not
        Meeting.objects.filter(pk=meeting.pk).delete,
        Meeting.objects.all().delete,
    ):
        with pytest.raises(ValidationError) as raised:
            delete()
        assert raised.value.code == "held"
        assert "was held: it is kept as the record" in raised.value.messages[0]

    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert Contribution.objects.filter(meeting=meeting).count() == 2
    assert not Meeting.objects.filter(pk=meeting.pk).deletable().exists()
    meeting.refresh_from_db()
    assert not meeting.is_deletable


def test_a_stale_planned_instance_of_a_held_meeting_cannot_be_deleted(held_meeting):
    meeting = held_meeting["meeting"]
    meeting.status = Meeting.Status.PLANNED  # read before it was closed
    with pytest.raises(ValidationError):
        meeting.delete()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_planned_meeting_is_deleted_with_its_history(moderator, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap, start=timezone.now() + datetime.timedelta(days=3))
    assert meeting.is_deletable

    meeting_delete(meeting=meeting, by=moderator)

    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    deleted = Meeting.history.filter(id=meeting.pk).latest("history_date")
    assert (deleted.history_type, deleted.history_user) == ("-", moderator)


def test_only_the_citys_moderators_delete_its_meetings(editor, other_editor, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap)
    for user in (editor, other_editor):
        with pytest.raises(PermissionDenied):
            meeting_delete(meeting=meeting, by=user)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


# --- The parts of a held meeting -------------------------------------------------


@pytest.mark.parametrize("part", [AgendaItem, Attendance, Contribution, NextStep])
def test_no_part_of_a_held_meeting_is_deleted(held_meeting, part):
    """The one home of the rule the admin calls: the parts' model and queryset."""
    meeting = held_meeting["meeting"]
    rows = part.objects.filter(meeting=meeting)
    count = rows.count()
    assert count and rows.kept().count() == count
    for row in rows:
        assert not row.is_deletable
    for delete in (rows.first().delete, rows.delete, part.objects.all().delete):
        with pytest.raises(ValidationError) as raised:
            delete()
        assert raised.value.code == "held"
        assert "was held: it is kept as the record" in raised.value.messages[0]
    assert part.objects.filter(meeting=meeting).count() == count

    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PLANNED)
    assert not rows.kept().exists()
    rows = part.objects.filter(meeting=meeting)
    assert rows.first().is_deletable
    rows.first().delete()
    rows.delete()
    assert not part.objects.filter(meeting=meeting).exists()
