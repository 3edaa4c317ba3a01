"""Live capture: an accepted proposal creates or changes its Action Table row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions.models import Action
from actions.services import ActionConflict
from core.history_reasons import reason_text
from meetings.models import Contribution
from meetings.services import proposal_accept
from tests import factories


def test_accepting_a_proposal_creates_a_prefilled_row(moderator, held_meeting, sofia_roadmap):
    proposal = held_meeting["proposal"]
    row = proposal_accept(contribution=proposal, by=moderator)

    assert row.roadmap == sofia_roadmap
    assert row.title == "Annual CSR awards in three categories"
    assert "by size of company." in row.description
    assert "Supported by everybody" in row.description
    assert row.status == Action.Status.AGREED
    assert list(row.key_partners.all()) == [held_meeting["chamber"]]
    assert row.version == 1


def test_created_row_history_names_the_moderator_and_the_meeting(moderator, held_meeting):
    row = proposal_accept(contribution=held_meeting["proposal"], by=moderator)
    (record,) = row.history.all()
    assert record.history_user == moderator
    assert record.history_type == "+"
    assert (
        reason_text(record.history_change_reason)
        == f"accepted in meeting {held_meeting['meeting'].number}"
    )
    assert row.created_by == moderator


def test_provenance_goes_both_ways(client, moderator, held_meeting):
    proposal = held_meeting["proposal"]
    row = proposal_accept(contribution=proposal, by=moderator)
    proposal.refresh_from_db()
    assert proposal.produced_action == row
    assert proposal.action == row
    assert proposal.outcome == Contribution.Outcome.ACCEPTED
    assert list(row.contributions.all()) == [proposal]
    assert list(row.produced_by.all()) == [proposal]
    # The row's page names the meeting; the meeting's page links to the row.
    client.force_login(moderator)
    action_page = client.get(reverse("actions:action", args=[row.pk])).content.decode()
    assert held_meeting["meeting"].title in action_page
    meeting_page = client.get(held_meeting["meeting"].get_absolute_url()).content.decode()
    assert row.get_absolute_url() in meeting_page
    assert "this proposal made or changed the row" in action_page
    # The row's admin page names the proposal it came from, with a link.
    admin_page = client.get(reverse("admin:actions_action_change", args=[row.pk]))
    contribution_url = reverse("admin:meetings_contribution_change", args=[proposal.pk])
    assert contribution_url in admin_page.content.decode()


def test_the_row_keeps_the_proposal_it_came_from_when_the_link_moves(
    client, moderator, held_meeting
):
    proposal = held_meeting["proposal"]
    row = proposal_accept(contribution=proposal, by=moderator)
    Contribution.objects.filter(pk=proposal.pk).update(action=None)
    client.force_login(moderator)
    action_page = client.get(reverse("actions:action", args=[row.pk])).content.decode()
    assert "Annual CSR awards in three categories" in action_page
    assert "this proposal made or changed the row" in action_page


def test_contribution_history_names_the_moderator(moderator, held_meeting):
    proposal = held_meeting["proposal"]
    row = proposal_accept(contribution=proposal, by=moderator)
    latest = proposal.history.first()
    assert latest.history_user == moderator
    assert latest.produced_action_id == row.pk


def test_data_overrides_the_prefill(moderator, held_meeting, sofia_company):
    row = proposal_accept(
        contribution=held_meeting["proposal"],
        by=moderator,
        data={"title": "CSR awards", "activity_type": "event", "lead_partner": sofia_company},
    )
    assert (row.title, row.activity_type, row.lead_partner) == (
        "CSR awards",
        "event",
        sofia_company,
    )


def test_accepting_a_proposal_about_a_row_updates_that_row(
    moderator, held_meeting, sofia_roadmap, sofia_company
):
    existing = factories.action(
        sofia_roadmap, title="CSR awards", status="proposed", lead_partner=sofia_company
    )
    proposal = held_meeting["proposal"]
    proposal.action = existing
    proposal.outcome = Contribution.Outcome.MERGED
    proposal.save()

    row = proposal_accept(contribution=proposal, by=moderator)

    assert row.pk == existing.pk
    assert Action.objects.count() == 1
    assert row.version == existing.version + 1
    assert row.status == Action.Status.AGREED
    assert "Annual CSR awards" in row.description
    assert held_meeting["chamber"] in row.key_partners.all()
    record = row.history.first()
    assert record.history_user == moderator
    assert record.history_type == "~"
    proposal.refresh_from_db()
    assert proposal.produced_action == existing
    assert proposal.outcome == Contribution.Outcome.MERGED


def test_accepting_twice_says_which_row_it_produced(moderator, held_meeting):
    proposal = held_meeting["proposal"]
    row = proposal_accept(contribution=proposal, by=moderator)
    with pytest.raises(ValidationError) as error:
        proposal_accept(contribution=proposal, by=moderator)
    assert f"it produced Action Table row {row.pk}" in error.value.messages[0]
    assert error.value.error_list[0].code == "already_accepted"
    assert Action.objects.count() == 1


def test_a_stale_copy_of_the_contribution_cannot_produce_a_second_row(moderator, held_meeting):
    stale = Contribution.objects.get(pk=held_meeting["proposal"].pk)
    proposal_accept(contribution=held_meeting["proposal"], by=moderator)
    with pytest.raises(ValidationError):
        proposal_accept(contribution=stale, by=moderator)
    assert Action.objects.count() == 1


def test_a_comment_does_not_become_a_row(moderator, held_meeting):
    with pytest.raises(ValidationError, match="Only a proposal"):
        proposal_accept(contribution=held_meeting["comment"], by=moderator)
    assert not Action.objects.exists()


def test_a_rejected_proposal_does_not_become_a_row(moderator, held_meeting):
    proposal = held_meeting["proposal"]
    proposal.outcome = Contribution.Outcome.REJECTED
    proposal.save()
    with pytest.raises(ValidationError, match="rejected"):
        proposal_accept(contribution=proposal, by=moderator)
    assert not Action.objects.exists()


def test_an_open_proposal_accepted_live_becomes_accepted(moderator, held_meeting):
    proposal = held_meeting["proposal"]
    proposal.outcome = Contribution.Outcome.OPEN
    proposal.save()
    proposal_accept(contribution=proposal, by=moderator)
    proposal.refresh_from_db()
    assert proposal.outcome == Contribution.Outcome.ACCEPTED


def test_an_invalid_row_leaves_the_contribution_untouched(moderator, held_meeting):
    proposal = held_meeting["proposal"]
    with pytest.raises(ValidationError):
        proposal_accept(contribution=proposal, by=moderator, data={"progress": 150})
    proposal.refresh_from_db()
    assert proposal.produced_action is None
    assert not Action.objects.exists()


def test_a_conflicting_version_changes_nothing(moderator, held_meeting, sofia_roadmap):
    existing = factories.action(sofia_roadmap, title="CSR awards", status="proposed")
    proposal = held_meeting["proposal"]
    proposal.action = existing
    proposal.save()
    with pytest.raises(ActionConflict):
        proposal_accept(contribution=proposal, by=moderator, expected_version=existing.version - 1)
    existing.refresh_from_db()
    proposal.refresh_from_db()
    assert existing.status == "proposed"
    assert existing.version == 1
    assert proposal.produced_action is None


def test_a_related_action_of_another_roadmap_is_refused(moderator, held_meeting, sofia):
    other_roadmap = factories.roadmap(sofia, title="Another Sofia roadmap")
    proposal = held_meeting["proposal"]
    proposal.action = factories.action(other_roadmap)
    proposal.save()
    with pytest.raises(ValidationError, match="another roadmap"):
        proposal_accept(contribution=proposal, by=moderator)


@pytest.mark.parametrize("who", ["editor", "other_editor", "partner"])
def test_only_moderators_of_the_city_accept_proposals(request, held_meeting, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        proposal_accept(contribution=held_meeting["proposal"], by=user)
    assert not Action.objects.exists()


def test_moderator_of_another_city_cannot_accept(vratsa, held_meeting):
    vratsa_moderator = factories.user("moderator-vratsa", role="moderator", cities=[vratsa])
    with pytest.raises(PermissionDenied):
        proposal_accept(contribution=held_meeting["proposal"], by=vratsa_moderator)


def test_network_admin_accepts(network_admin, held_meeting):
    row = proposal_accept(contribution=held_meeting["proposal"], by=network_admin)
    assert row.history.first().history_user == network_admin


@pytest.mark.parametrize("related", [False, True], ids=["new row", "existing row"])
def test_a_proposer_that_may_not_partner_the_roadmap_is_not_made_a_key_partner(
    moderator, held_meeting, sofia_roadmap, vratsa, related
):
    """Roadmap.eligible_partners decides, as for every write of a row; the proposal
    is still accepted."""
    proposal = held_meeting["proposal"]
    proposal.organisation = factories.organisation(vratsa, "Vratsa Outsider Ltd")
    if related:
        proposal.action = factories.action(sofia_roadmap, title="Awards")
    proposal.save()
    row = proposal_accept(contribution=proposal, by=moderator)
    assert not row.key_partners.exists()
