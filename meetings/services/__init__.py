"""Writes of the moderator's cockpit: accepting proposals into the Action Table,
carrying the last meeting's open work into the next one, closing a meeting and
sending its invitations.

The admin and any later view call these functions, so the permission check
(moderators of the meeting's city) and the all-or-nothing rule live here. Rows
of the Action Table are written only through ``actions.services``, so that they
get their history, version and validation like every other change.
"""

from .carry_forward import (
    CarryForward,
    Review,
    carry_forward_review,
    meeting_carry_forward,
    previous_meeting,
)
from .closing import (
    attendance_outside_working_group,
    closing_doubts,
    meeting_close,
    meeting_delete,
    unclosed_meetings,
)
from .invitations import (
    GroupInvited,
    Invitations,
    meeting_invitations_send,
    meeting_invite_working_group,
    working_group_people,
)
from .pledges import (
    PLEDGEABLE_OUTCOMES,
    can_record_pledge,
    contribution_pledge,
    pledge_organisation_note,
    pledge_prefill,
)
from .proposals import ACCEPTABLE_OUTCOMES, proposal_accept, proposal_changes, proposal_prefill

__all__ = [
    "ACCEPTABLE_OUTCOMES",
    "PLEDGEABLE_OUTCOMES",
    "CarryForward",
    "GroupInvited",
    "Invitations",
    "Review",
    "attendance_outside_working_group",
    "can_record_pledge",
    "carry_forward_review",
    "closing_doubts",
    "contribution_pledge",
    "meeting_carry_forward",
    "meeting_close",
    "meeting_delete",
    "meeting_invitations_send",
    "meeting_invite_working_group",
    "pledge_organisation_note",
    "pledge_prefill",
    "previous_meeting",
    "proposal_accept",
    "proposal_changes",
    "proposal_prefill",
    "unclosed_meetings",
    "working_group_people",
]
