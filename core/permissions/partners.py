"""Partners (issue 16): a partner's statement of pledges and deliveries, the actions a
partner's organisation updates, and a partner's workbook import."""

from __future__ import annotations

from django.db.models import Q

from .access import PARTNER, access_for
from .roadmaps import can_edit_roadmap, can_view_roadmap, editable_roadmap_filter, roadmap_filter


def can_read_partner_statement(user, roadmap, organisation_id: int) -> bool:
    """Download an organisation's statement of what it pledged and delivered to a
    roadmap: the roadmap's staff, and the organisation's own partner users where
    the roadmap is shared with them."""
    if can_edit_roadmap(user, roadmap):
        return True
    access = access_for(user)
    return (
        PARTNER in access.roles
        and access.organisation_id is not None
        and access.organisation_id == organisation_id
        and can_view_roadmap(user, roadmap)
    )


# --- Partners update their own actions (issue 16) ---------------------------
#
# A partner's login (a person of an organisation in the city's working group)
# updates the actions that organisation leads or is a key partner of, on a
# roadmap shared with it: their status and progress, the current values of
# their indicators, the deliveries against the organisation's own pledges, and
# a new pledge of the organisation. Nothing else: every other field, another
# action, another organisation's pledge is refused (403), never ignored.

# The fields of an action a partner changes.
PARTNER_ACTION_FIELDS = frozenset({"status", "progress"})
# The fields of an existing indicator a partner changes (none added or removed).
PARTNER_INDICATOR_FIELDS = frozenset({"current"})


def partner_organisation_id(user) -> int | None:
    """The organisation a partner's login speaks for; None for anybody else."""
    access = access_for(user)
    if PARTNER not in access.roles:
        return None
    return access.organisation_id


def partner_actions(user, actions):
    """Narrow the action queryset ``actions`` to those the user updates as a partner.

    Where the organisation leads or partners (``ActionQuerySet.of_organisation``,
    the one rule of "our actions"), on a roadmap the user may see of a city whose
    working group the organisation is in.
    """
    organisation_id = partner_organisation_id(user)
    access = access_for(user)
    if organisation_id is None or not access.partner_city_ids:
        return actions.none()
    return actions.filter(
        roadmap_filter(user, prefix="roadmap__"),
        roadmap__city_id__in=access.partner_city_ids,
    ).of_organisation(organisation_id)


def is_action_partner(user, action) -> bool:
    """Whether the user updates ``action`` as a partner (one query, then cached on it)."""
    if partner_organisation_id(user) is None:
        return False
    cache = action.__dict__.setdefault("_csr_partner_of", {})
    if user.pk not in cache:
        cache[user.pk] = partner_actions(user, type(action).objects.filter(pk=action.pk)).exists()
    return cache[user.pk]


def can_update_action(user, action, fields=()) -> bool:
    """Change ``fields`` of ``action``: its city's staff any, its partners only theirs."""
    if can_edit_roadmap(user, action.roadmap):
        return True
    return set(fields) <= PARTNER_ACTION_FIELDS and is_action_partner(user, action)


def can_update_indicators(user, action, *, fields=(), adds_or_removes: bool = False) -> bool:
    """Change ``fields`` of ``action``'s indicators (or add and remove some)."""
    if can_edit_roadmap(user, action.roadmap):
        return True
    return (
        not adds_or_removes
        and set(fields) <= PARTNER_INDICATOR_FIELDS
        and is_action_partner(user, action)
    )


def can_import_workbook(user, roadmap) -> bool:
    """Bring a workbook back into ``roadmap``: its staff (every row and column), and
    the partners who update some action of it (theirs only, the rest ignored)."""
    if can_edit_roadmap(user, roadmap):
        return True
    if partner_organisation_id(user) is None:
        return False
    return partner_actions(user, roadmap.actions.all()).exists()


def importable_roadmaps(user, roadmaps):
    """Narrow the roadmap queryset ``roadmaps`` to those ``can_import_workbook``
    lets the user import into, in one query."""
    allowed = editable_roadmap_filter(user)
    if partner_organisation_id(user) is not None:
        actions = roadmaps.model._meta.get_field("actions").related_model.objects.all()
        allowed |= Q(pk__in=partner_actions(user, actions).values("roadmap"))
    return roadmaps.filter(allowed)


def can_add_pledge(user, action, organisation_id: int | None) -> bool:
    """Record a pledge of ``organisation_id`` to ``action``: its staff for any
    organisation, its partners for their own."""
    if can_edit_roadmap(user, action.roadmap):
        return True
    own = partner_organisation_id(user)
    return own is not None and own == organisation_id and is_action_partner(user, action)


def can_record_delivery(user, action, pledge) -> bool:
    """Record a delivery against ``pledge`` (of ``action``): its staff, and the
    partners of the organisation that pledged it."""
    return can_add_pledge(user, action, pledge.organisation_id)


def partner_user_filter(prefix: str = "") -> Q:
    """A Q object selecting the users (via ``prefix``) who speak for a partner
    organisation: in the partner role, linked to a person of an organisation."""
    return Q(**{f"{prefix}groups__name": PARTNER, f"{prefix}person__organisation__isnull": False})
