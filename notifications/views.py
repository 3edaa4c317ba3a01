"""Follow or stop following an action or a roadmap (the buttons on the action page and
the roadmap's page): htmx swaps the button in place, without JavaScript the page reloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import Action, Roadmap
from core import htmx

from .follows import follow_set


def _next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _follow(request, **target):
    on = request.POST.get("follow") == "1"
    try:
        follow_set(user=request.user, on=on, **target)
    except PermissionDenied:
        raise Http404 from None  # as if it did not exist, like every page of another city
    said = (
        _("You follow it: a daily mail tells you what others changed.")
        if on
        else _("You no longer follow it.")
    )
    thing = target.get("action") or target.get("roadmap")
    here = _next(request, thing.get_absolute_url())
    if htmx.is_htmx(request):
        context = {
            "url": request.path,
            "kind": "action" if "action" in target else "roadmap",
            "following": on,
            "here": here,
            "said": said,
        }
        return htmx.vary_on_htmx(render(request, "notifications/_follow_button.html", context))
    messages.success(request, said)
    return redirect(here)


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
