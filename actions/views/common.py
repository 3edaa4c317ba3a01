"""Fetching what a view works on, with the permission check built in.

Whatever a signed-in user may not see answers 404, so that another city's
private roadmaps do not even show that they exist; an anonymous visitor is
sent to log in (whether or not the object exists). What a user may see but
not change answers 403.

The object is fetched in one query that holds the permission
(``permissions.roadmap_filter``), so that another city's object and an unknown
id take the same way to their 404: no row, whichever the reason.
"""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from core import permissions
from core.middleware import LoginNeeded

from ..models import Action, Roadmap

T = TypeVar("T", bound=Model)


def not_found(request):
    """Answer what ``request.user`` may not see: 404, or the login page when anonymous."""
    if not request.user.is_authenticated:
        raise LoginNeeded
    raise Http404


def refuse_change(request):
    if not request.user.is_authenticated:
        raise LoginNeeded
    raise PermissionDenied


def get_visible(request, queryset: QuerySet[T], pk: int, *, roadmap: str = "") -> T:
    """The object ``pk`` of ``queryset`` if the user may see its roadmap (``roadmap``
    leads from it to the roadmap: "roadmap__", "action__roadmap__"); else 404, or
    the login page when anonymous. One query, which holds the permission."""
    found = queryset.filter(permissions.roadmap_filter(request.user, prefix=roadmap), pk=pk).first()
    if found is None:
        not_found(request)
    return found


def get_roadmap_for_user(request, pk: int) -> Roadmap:
    return get_visible(request, Roadmap.objects.select_related("city"), pk)


def get_roadmap_for_editor(request, pk: int) -> Roadmap:
    roadmap = get_roadmap_for_user(request, pk)
    if not permissions.can_edit_roadmap(request.user, roadmap):
        refuse_change(request)
    return roadmap


def get_roadmap_for_importer(request, pk: int) -> Roadmap:
    """The roadmap, for those who may bring a workbook back into it
    (``permissions.can_import_workbook``); 403 for anybody else who may see it."""
    roadmap = get_roadmap_for_user(request, pk)
    if not permissions.can_import_workbook(request.user, roadmap):
        refuse_change(request)
    return roadmap


def get_action_for_user(request, pk: int) -> Action:
    return get_visible(
        request,
        Action.objects.select_related("roadmap__city", "challenge", "lead_partner"),
        pk,
        roadmap="roadmap__",
    )


def get_action_for_editor(request, pk: int) -> Action:
    action = get_action_for_user(request, pk)
    if not permissions.can_edit_roadmap(request.user, action.roadmap):
        refuse_change(request)
    return action


def get_action_for_updater(request, pk: int) -> Action:
    """The action, for its city's staff or for the partners who update it
    (``permissions.can_update_action``); 403 for anybody else who may see it."""
    action = get_action_for_user(request, pk)
    if not permissions.can_update_action(request.user, action):
        refuse_change(request)
    return action


def resources_url(action: Action) -> str:
    """The action's page at its Resources section, where a pledge or delivery saved shows."""
    return f"{action.get_absolute_url()}#resources"
