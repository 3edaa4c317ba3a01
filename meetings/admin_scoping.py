"""Who sees and changes a meeting in the admin, and the record a held meeting keeps.

Seeing is for the city's staff, changing for its moderators
(``permissions.can_manage_meetings``); a held meeting and its parts are never deleted.
"""

from core import permissions
from core.admin_scoping import ScopedInline


class MeetingScopedAdmin:
    """Seeing a meeting (or part of one) is for the city's staff; changing it, for its moderators.

    Mixed in before CityScopedAdmin, whose ``in_scope`` it narrows.
    """

    def meeting_city_id(self, obj) -> int:
        raise NotImplementedError

    # A held meeting and its parts are the record of what the group decided:
    # the admin deletes neither (the models refuse too), and its "delete selected"
    # is replaced by this one, which says which meetings are kept.
    delete_selected_action = None

    def may_change(self, request, obj) -> bool:
        return self.in_scope(request, obj) and permissions.can_manage_meetings(
            request.user, self.meeting_city_id(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_deletable)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions[name] = (self.delete_selected_action, name, description)
        return actions


class KeptRecordInline(ScopedInline):
    """The parts of a held meeting are its record: none of them is deleted."""

    def get_queryset(self, request):
        # Each row's name and delete check read its meeting: one join, not a query a row.
        return super().get_queryset(request).select_related("meeting")

    def has_delete_permission(self, request, obj=None):
        # ``obj`` is the meeting the inline rows belong to.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_deletable)
