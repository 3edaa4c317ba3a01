"""Roadmaps and what hangs on them: who reads a roadmap, who edits its Action Table."""

from __future__ import annotations

from django.db.models import Q

from .access import Visibility, access_for


def can_view_roadmap(user, roadmap) -> bool:
    if roadmap.visibility == Visibility.PUBLIC:
        return True
    access = access_for(user)
    if access.is_network_admin or roadmap.city_id in access.staff_city_ids:
        return True
    return roadmap.visibility == Visibility.PARTNERS and roadmap.city_id in access.partner_city_ids


def can_edit_roadmap(user, roadmap) -> bool:
    """Edit the roadmap's Action Table (editor or moderator of its city)."""
    access = access_for(user)
    return access.is_network_admin or roadmap.city_id in access.staff_city_ids


def roadmap_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the roadmaps (via ``prefix``) the user may see."""
    access = access_for(user)
    if access.is_network_admin:
        return Q()
    q = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if access.staff_city_ids:
        q |= Q(**{f"{prefix}city_id__in": access.staff_city_ids})
    if access.partner_city_ids:
        q |= Q(
            **{
                f"{prefix}visibility": Visibility.PARTNERS,
                f"{prefix}city_id__in": access.partner_city_ids,
            }
        )
    return q


def editable_roadmap_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the roadmaps (via ``prefix``) whose table the user may edit."""
    access = access_for(user)
    if access.is_network_admin:
        return Q()
    return Q(**{f"{prefix}city_id__in": access.staff_city_ids})
