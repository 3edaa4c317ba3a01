"""What the meeting services share: the permission check and history bookkeeping.

Who made a change and why is said with ``actions.services.set_history_author``,
as for the Action Table.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from actions.services import set_history_author
from core import permissions

from ..models import Meeting


def check_can_manage(by, meeting: Meeting) -> None:
    if not permissions.can_manage_meetings(by, meeting.roadmap.city_id):
        raise PermissionDenied(_("You may not run the meetings of this roadmap."))


def save_with_history(obj, *, by, reason: str = "", update_fields=None) -> None:
    set_history_author(obj, by=by, reason=reason)
    obj.save(update_fields=update_fields)


def city_language(meeting: Meeting) -> str:
    """Text stored in the city's data (rows, agenda notes) is in its working language."""
    return meeting.roadmap.city.language
