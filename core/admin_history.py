"""simple-history's admin views, closed to what the city scoping allows."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from core import permissions

from .history_reasons import reason_text


class CityScopedHistoryAdmin:
    """Scoping for simple_history's admin views: mixed in before a CityScopedAdmin
    and SimpleHistoryAdmin, whose permissions it asks.

    What the user may not see answers 404, as an id that does not exist does:
    both are asked of the database in the same one scoped query
    (``get_object``, through the admin's queryset), before anything else.
    simple_history itself would find another city's row through its history
    and answer 403, which tells that the row exists.

    simple_history's revert form saves on POST whenever the user may *view*
    history, and looks the historical row up without ``get_queryset``; both
    are closed here. Reverting is off: it saves the old row as it was, past
    the services and without any lost-update check. The history stays readable.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def _refuse_unseen(self, request, object_id) -> None:
        # The network admin also reads the history of deleted rows, which no
        # queryset holds any more; simple_history answers 404 for unknown ids.
        if permissions.access_for(request.user).is_network_admin:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_unseen(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._refuse_unseen(request, object_id)
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        record = get_object_or_404(
            history_model, **{self.model._meta.pk.attname: object_id, "history_id": version_id}
        )
        obj = record.instance
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST" and (
            self.revert_disabled(request, obj) or not self.has_change_permission(request, obj)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        # The reasons are stored as codes; the page writes them in the reader's language.
        page = context.get("page_obj")
        for record in page.object_list if page is not None else ():
            record.history_change_reason = reason_text(record.history_change_reason)
        return super().render_history_view(request, template, context, **kwargs)
