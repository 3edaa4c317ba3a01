"""Live capture: an accepted proposal becomes, or changes, an Action Table row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.models import Action
from core.history_reasons import HistoryReason, history_reason
from core.versions import version_bump

from ..models import Contribution, Meeting
from .common import check_can_manage, city_language, save_with_history

# Outcomes from which a proposal may still be turned into a row.
ACCEPTABLE_OUTCOMES = (
    Contribution.Outcome.OPEN,
    Contribution.Outcome.ACCEPTED,
    Contribution.Outcome.MERGED,
)
TITLE_LENGTH = 120


def _proposer_as_key_partner(contribution: Contribution, *, lead_partner_id=None) -> int | None:
    """The proposer's organisation, if it may be a key partner of a row of the
    meeting's roadmap (``Roadmap.eligible_partners``, and not the row's lead partner)."""
    organisation_id = contribution.organisation_id
    if not organisation_id or action_services.partner_errors(
        lead_partner=lead_partner_id, key_partners=[organisation_id]
    ):
        return None
    roadmap = contribution.meeting.roadmap
    if not roadmap.eligible_partners().filter(pk=organisation_id).exists():
        return None
    return organisation_id


def proposal_prefill(*, contribution: Contribution) -> dict[str, Any]:
    """The new Action Table row a proposal suggests, for ``action_create``."""
    meeting = contribution.meeting
    proposer = _proposer_as_key_partner(contribution)
    first_line = contribution.text.strip().splitlines()[0] if contribution.text.strip() else ""
    with translation.override(city_language(meeting)):
        description = contribution.text.strip()
        if contribution.discussion_summary.strip():
            description += "\n\n" + _("Discussion: %(summary)s") % {
                "summary": contribution.discussion_summary.strip()
            }
    return {
        "title": Truncator(first_line).chars(TITLE_LENGTH),
        "description": description,
        "activity_type": Action.ActivityType.OTHER,
        # The working group agreed it; the table's "proposed" is for ideas not yet discussed.
        "status": Action.Status.AGREED,
        "key_partners": [proposer] if proposer else [],
    }


def proposal_changes(*, contribution: Contribution, action: Action) -> dict[str, Any]:
    """What an accepted proposal changes in the existing row it is about."""
    meeting = contribution.meeting
    changes: dict[str, Any] = {}
    if action.status == Action.Status.PROPOSED:
        changes["status"] = Action.Status.AGREED
    text = contribution.text.strip()
    if text and text not in action.description:
        with translation.override(city_language(meeting)):
            note = _("Meeting %(number)s (%(date)s): %(text)s") % {
                "number": meeting.number,
                "date": formats.date_format(meeting.day, "SHORT_DATE_FORMAT"),
                "text": text,
            }
        changes["description"] = f"{action.description.rstrip()}\n\n{note}".strip()
    proposer = _proposer_as_key_partner(contribution, lead_partner_id=action.lead_partner_id)
    partner_ids = set(action.key_partners.values_list("pk", flat=True))
    if proposer and proposer not in partner_ids:
        changes["key_partners"] = [*partner_ids, proposer]
    return changes


def _already_produced(contribution: Contribution) -> ValidationError:
    row = contribution.produced_action
    return ValidationError(
        _("This proposal was already accepted: it produced Action Table row %(id)s (“%(title)s”).")
        % {"id": row.pk, "title": row.title},
        code="already_accepted",
    )


def proposal_accept(
    *,
    contribution: Contribution,
    by,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Action:
    """Turn an accepted proposal into its Action Table row, once.

    Without a related action, create a row prefilled from the proposal (``data``
    overrides the prefill); with one, apply the proposal to that row through
    ``action_update`` at ``expected_version`` (by default the version read now).
    The contribution then links to the row, and the row's history names ``by``
    and the meeting. Nothing is written unless all of it succeeds.
    """
    meeting = Meeting.objects.select_related("roadmap__city").get(pk=contribution.meeting_id)
    check_can_manage(by, meeting)
    with transaction.atomic():
        # The meeting's page, opened before, would post the proposal back as it
        # was; bumped first, so that the meeting is locked before its parts, as
        # its admin page locks them.
        version_bump(Meeting, [meeting.pk])
        current = (
            # Lock only the contribution: PostgreSQL cannot lock the nullable
            # side of the outer joins that select_related adds.
            Contribution.objects.select_for_update(of=("self",))
            .select_related("action__roadmap", "produced_action")
            .get(pk=contribution.pk)
        )
        current.meeting = meeting
        if current.produced_action_id:
            raise _already_produced(current)
        if current.kind != Contribution.Kind.PROPOSAL:
            raise ValidationError(
                _("Only a proposal becomes an Action Table row; this is a %(kind)s.")
                % {"kind": current.get_kind_display()},
                code="not_a_proposal",
            )
        if current.outcome not in ACCEPTABLE_OUTCOMES:
            raise ValidationError(
                _("This proposal was %(outcome)s; only an accepted proposal becomes a row.")
                % {"outcome": current.get_outcome_display()},
                code="not_accepted",
            )
        reason = history_reason(HistoryReason.ACCEPTED_IN_MEETING, number=meeting.number)
        related = current.action
        if related is not None:
            if related.roadmap_id != meeting.roadmap_id:
                raise ValidationError(
                    _("The related action belongs to another roadmap than the meeting."),
                    code="other_roadmap",
                )
            changes = {**proposal_changes(contribution=current, action=related), **(data or {})}
            row = action_services.action_update(
                action=related,
                data=changes,
                by=by,
                expected_version=related.version if expected_version is None else expected_version,
                reason=reason,
            )
            outcome = (
                Contribution.Outcome.MERGED
                if current.outcome == Contribution.Outcome.MERGED
                else Contribution.Outcome.ACCEPTED
            )
        else:
            row = action_services.action_create(
                roadmap=meeting.roadmap,
                data={**proposal_prefill(contribution=current), **(data or {})},
                by=by,
                reason=reason,
            )
            outcome = Contribution.Outcome.ACCEPTED
        # Compare-and-set: SQLite has no row locks, so two clicks at once must
        # not both produce a row; the loser's transaction rolls back.
        claimed = Contribution.objects.filter(pk=current.pk, produced_action__isnull=True).update(
            produced_action=row, action=row, outcome=outcome, version=current.version + 1
        )
        if not claimed:
            raise _already_produced(Contribution.objects.get(pk=current.pk))
        current.produced_action, current.action, current.outcome = row, row, outcome
        current.version += 1
        # Saved again (same values) so that the contribution's history names the moderator.
        save_with_history(
            current, by=by, reason=reason, update_fields=["produced_action", "action", "outcome"]
        )
    return row
