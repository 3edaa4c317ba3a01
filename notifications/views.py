"""Follow or stop following an action or a roadmap (a button on the action page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import Action, Roadmap

from .follows import follow_set


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _follow(request, **target):
    on = request.POST.get("follow") == "1"
    try:
        follow_set(user=request.user, on=on, **target)
    except PermissionDenied:
        raise Http404 from None  # as if it did not exist, like every page of another city
    messages.success(
        request,
        _("You follow it: a daily mail tells you what others changed.")
        if on
        else _("You no longer follow it."),
    )
    thing = target.get("action") or target.get("roadmap")
    return _back(request, thing.get_absolute_url())


@require_POST
@login_required
def follow_action(request, pk: int):
    return _follow(
        request, action=get_object_or_404(Action.objects.select_related("roadmap"), pk=pk)
    )


@require_POST
@login_required
def follow_roadmap(request, pk: int):
    return _follow(request, roadmap=get_object_or_404(Roadmap, pk=pk))
