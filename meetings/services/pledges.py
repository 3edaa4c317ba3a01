"""Live capture of pledges: what an organisation pledged in a meeting, recorded
from its contribution as a pledge to an Action Table row.

As for proposals (proposals.py): the moderator of the meeting's city records it,
once; the pledge is written by ``actions.services.pledge_create`` (its rules,
history and messages), its history says the meeting it was made in, and the
contribution links to it (``Contribution.pledge``), so each knows the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.models import Action, Pledge
from core.history_reasons import HistoryReason, history_reason
from core.versions import version_bump

from ..models import Contribution, Meeting
from .common import check_can_manage, save_with_history

# Outcomes from which a contribution may still be recorded as a pledge.
PLEDGEABLE_OUTCOMES = (Contribution.Outcome.OPEN, Contribution.Outcome.ACCEPTED)
PLEDGE_DATA = ("organisation", "kind", "amount", "unit", "description", "date")


def pledge_prefill(*, contribution: Contribution) -> dict[str, Any]:
    """The pledge a contribution suggests: the organisation it speaks for (its own,
    else its author's; none: the moderator chooses), its action, its words, the
    meeting's day."""
    return {
        "action": contribution.action_id,
        "organisation": contribution.speaks_for_id,
        "description": contribution.text.strip(),
        "date": contribution.meeting.day,
    }


def can_record_pledge(contribution: Contribution) -> bool:
    """Whether the cockpit offers "record as a pledge" (the service decides in the end)."""
    return not contribution.pledge_id and contribution.outcome in PLEDGEABLE_OUTCOMES


def pledge_organisation_note(*, contribution: Contribution, eligible) -> str:
    """What the pledge form says of the organisation it asks for, when the
    contribution does not settle it: ``eligible``, the organisations that may pledge
    (the roadmap's working group). "" when the prefilled one may pledge."""
    speaks_for = contribution.speaks_for_id
    if speaks_for is not None and eligible.filter(pk=speaks_for).exists():
        return ""
    if speaks_for is not None:
        return _(
            "%(organisation)s, for whom the contribution was made, is not in the roadmap's "
            "working group: choose the organisation of the working group that pledged."
        ) % {"organisation": contribution.organisation or contribution.author.organisation}
    if contribution.author_id:
        return _(
            "%(person)s speaks for no organisation: choose the organisation of the working "
            "group that pledged."
        ) % {"person": contribution.author.name}
    return _("The contribution names no organisation: choose the one that pledged.")


def _already_recorded(contribution: Contribution) -> ValidationError:
    return ValidationError(
        _("This contribution was already recorded as pledge %(id)s.")
        % {"id": contribution.pledge_id},
        code="already_pledged",
    )


def _pledged_action(current: Contribution, meeting: Meeting, action) -> Action:
    action_id = getattr(action, "pk", action)
    found = Action.objects.filter(pk=action_id, roadmap_id=meeting.roadmap_id).first()
    if found is None:
        raise ValidationError(
            {"action": [_("Pledge to a row of the meeting's roadmap.")]}, code="other_roadmap"
        )
    if current.action_id and current.action_id != found.pk:
        raise ValidationError(
            {
                "action": [
                    _("The contribution is about row %(id)s: it pledges to that row.")
                    % {"id": current.action_id}
                ]
            },
            code="other_action",
        )
    return found


def contribution_pledge(*, contribution: Contribution, by, data: Mapping[str, Any]) -> Pledge:
    """Record what ``contribution`` pledged (``data``: the action and the pledge's
    fields) as a pledge, once; nothing is written unless all of it succeeds."""
    meeting = Meeting.objects.select_related("roadmap__city").get(pk=contribution.meeting_id)
    check_can_manage(by, meeting)
    with transaction.atomic():
        # The meeting first, as proposal_accept and the meeting's page lock it.
        version_bump(Meeting, [meeting.pk])
        current = Contribution.objects.select_for_update(of=("self",)).get(pk=contribution.pk)
        if current.pledge_id:
            raise _already_recorded(current)
        if current.outcome not in PLEDGEABLE_OUTCOMES:
            raise ValidationError(
                _("This contribution was %(outcome)s; only an open or accepted one is a pledge.")
                % {"outcome": current.get_outcome_display()},
                code="not_accepted",
            )
        action = _pledged_action(current, meeting, data.get("action"))
        reason = history_reason(HistoryReason.PLEDGED_IN_MEETING, number=meeting.number)
        pledge = action_services.pledge_create(
            action=action,
            data={name: data[name] for name in PLEDGE_DATA if name in data},
            by=by,
            reason=reason,
        )
        # A contribution that named no organisation was made for the one that pledged.
        organisation = current.organisation_id or pledge.organisation_id
        # Compare-and-set: two clicks at once record one pledge; the loser rolls back.
        claimed = Contribution.objects.filter(pk=current.pk, pledge__isnull=True).update(
            pledge=pledge,
            action=action,
            organisation=organisation,
            outcome=Contribution.Outcome.ACCEPTED,
            version=F("version") + 1,
        )
        if not claimed:
            raise _already_recorded(Contribution.objects.get(pk=current.pk))
        current.refresh_from_db()
        # Saved again (same values) so that the contribution's history names the moderator.
        save_with_history(
            current,
            by=by,
            reason=reason,
            update_fields=["pledge", "action", "organisation", "outcome"],
        )
    return pledge
