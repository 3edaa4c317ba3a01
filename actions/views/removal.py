"""Removing a row from the Action Table and restoring it: its history keeps
what it was, and the roadmap's editors bring it back from the removed list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import permissions
from core.numbers import whole_number

from .. import services
from .action import page_url, row_url
from .common import get_action_for_editor, get_roadmap_for_editor
from .table import give_row_flash


@require_http_methods(["GET", "POST"])
def action_delete(request, pk: int):
    action = get_action_for_editor(request, pk)
    if request.method == "POST":
        version = whole_number(request.POST.get("version"))
        if version is None:
            return HttpResponseBadRequest(_("The form is missing the row's version."))
        # Back to the page the row was on (its neighbours), asked before it goes.
        table_page_url = page_url(action)
        try:
            services.action_delete(action=action, by=request.user, expected_version=version)
        except services.ActionConflict:
            messages.error(
                request,
                _(
                    "Somebody changed this action since you opened it. Look at it again before removing it."
                ),
            )
            return redirect(reverse("actions:action_delete", args=[action.pk]))
        messages.success(
            request,
            format_html(
                '{} <a class="alert-link" href="{}">{}</a>',
                _("Removed: %(title)s. Its history keeps what it was.") % {"title": action.title},
                reverse("actions:removed_actions", args=[action.roadmap_id]),
                _("Removed actions: restore it"),
            ),
        )
        return redirect(table_page_url)
    return render(request, "actions/action_confirm_delete.html", {"action": action})


@require_http_methods(["GET", "POST"])
def removed_list(request, pk: int):
    """The rows removed from a roadmap's table, for its editors to restore (POST ``action``)."""
    roadmap = get_roadmap_for_editor(request, pk)
    if request.method == "POST":
        action_id = whole_number(request.POST.get("action"))
        if action_id is None:
            return HttpResponseBadRequest(_("Say which action to restore."))
        try:
            restored = services.action_restore(
                roadmap=roadmap, action_id=action_id, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reverse("actions:removed_actions", args=[roadmap.pk]))
        give_row_flash(request, restored, _("Restored: %(title)s") % {"title": restored.title})
        return redirect(row_url(restored))
    removals = list(services.removed_actions(roadmap))
    can_see_people = permissions.can_see_people(request.user, roadmap.city_id)
    return render(
        request,
        "actions/removed_actions.html",
        {"roadmap": roadmap, "removals": removals, "can_see_people": can_see_people},
    )
