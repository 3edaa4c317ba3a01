"""Meetings: who runs a city's meetings, and which meetings a user follows as staff."""

from __future__ import annotations

from django.db.models import Q

from .access import access_for
from .roadmaps import editable_roadmap_filter


def can_manage_meetings(user, city_id: int) -> bool:
    access = access_for(user)
    return access.is_network_admin or city_id in access.meeting_city_ids


def meeting_roadmap_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the roadmaps (via ``prefix``) whose meetings the user runs."""
    access = access_for(user)
    if access.is_network_admin:
        return Q()
    return Q(**{f"{prefix}city_id__in": access.meeting_city_ids})


def meeting_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the meetings (via ``prefix``) the user follows as staff.

    Those of the user's cities: editors follow them, moderators run them
    (``can_manage_meetings`` says who changes them). The public meeting pages
    show what ``roadmap_filter`` lets the user see.
    """
    roadmap = f"{prefix}roadmap__"
    return editable_roadmap_filter(user, prefix=roadmap) | meeting_roadmap_filter(
        user, prefix=roadmap
    )
