"""Who may see and change what. Every view, queryset and admin asks here.

Roles are Django groups (their model permissions, in ``core.roles``, say
*what kind* of thing a user may change); which city a user works for is data: ``CityAccess`` for
municipal staff, and for partners the working-group ``Membership`` of the
organisation their ``Person`` belongs to.

Who belongs where: an organisation and its people belong to the organisation's
city, whose staff change them (``own_organisation_filter``, ``own_person_filter``).
Another city's organisation may sit in a working group: its staff then see it and
its people, and change neither; the membership row itself is the group's.

A partner reads a city's data only through a membership that city's staff made.
In the model: a ``Membership`` row is its city's (``city_id``); only that city's
staff and the network admin add, change or end it (``city_filter``, which also
scopes the admin's city choices), and which organisation a partner's login speaks
for changes only by the network admin (``can_link_login``,
``can_change_person_organisation``). So ``partner_city_ids`` (the cities of the
memberships of the partner's organisation) holds only cities whose own staff put
that organisation in their group: no city's staff can move a login into an
organisation, and so into another city's group.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

EDITOR = "editor"
MODERATOR = "moderator"
PARTNER = "partner"
NETWORK_ADMIN = "network admin"
ROLES = (EDITOR, MODERATOR, PARTNER, NETWORK_ADMIN)


class Visibility:
    """Values of ``Roadmap.visibility``; kept here so this module imports no app."""

    PRIVATE = "private"
    PARTNERS = "partners"
    PUBLIC = "public"


@dataclass(frozen=True)
class Access:
    """What one user may do, computed once per user object."""

    is_network_admin: bool
    roles: frozenset[str]
    staff_city_ids: frozenset[int]  # cities the user edits (editor or moderator)
    meeting_city_ids: frozenset[int]  # cities whose meetings the user runs
    partner_city_ids: frozenset[int]  # working groups the user's organisation is in
    organisation_id: int | None

    @property
    def is_staff_anywhere(self) -> bool:
        return self.is_network_admin or bool(self.staff_city_ids)


_NO_ACCESS = Access(False, frozenset(), frozenset(), frozenset(), frozenset(), None)


def access_for(user) -> Access:
    """Return the user's access, cached on the user object for the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return _NO_ACCESS
    if not user.is_active:
        return _NO_ACCESS
    cached = getattr(user, "_csr_access", None)
    if cached is not None:
        return cached

    from stakeholders.models import CityAccess, Membership, Person

    roles = frozenset(user.groups.values_list("name", flat=True))
    is_network_admin = user.is_superuser or NETWORK_ADMIN in roles
    staff_city_ids: frozenset[int] = frozenset()
    if roles & {EDITOR, MODERATOR}:
        staff_city_ids = frozenset(
            CityAccess.objects.filter(user=user).values_list("city_id", flat=True)
        )
    meeting_city_ids = staff_city_ids if MODERATOR in roles else frozenset()
    organisation_id = (
        Person.objects.filter(user=user).values_list("organisation_id", flat=True).first()
    )
    partner_city_ids: frozenset[int] = frozenset()
    if PARTNER in roles and organisation_id:
        partner_city_ids = frozenset(
            Membership.objects.filter(organisation_id=organisation_id).values_list(
                "city_id", flat=True
            )
        )
    access = Access(
        is_network_admin=is_network_admin,
        roles=roles,
        staff_city_ids=staff_city_ids,
        meeting_city_ids=meeting_city_ids,
        partner_city_ids=partner_city_ids,
        organisation_id=organisation_id,
    )
    user._csr_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached access, after the user's groups or cities changed."""
    if hasattr(user, "_csr_access"):
        del user._csr_access


def can_use_admin(user) -> bool:
    """Open the admin: Django's own test (``AdminSite.has_permission``), an active staff login.

    What the user then sees there is scoped by the functions below.
    """
    return bool(user is not None and user.is_active and user.is_staff)


# --- The cities a user works for -------------------------------------------


def own_city_ids(user) -> frozenset[int]:
    """The cities the user works for: as staff, or in their organisation's working groups."""
    access = access_for(user)
    return access.staff_city_ids | access.partner_city_ids


def works_for_a_city(user) -> bool:
    """Whether the user has any city to work for (the network admin has them all)."""
    return access_for(user).is_network_admin or bool(own_city_ids(user))


def own_city_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the rows whose city (via ``prefix``) the user works for.

    It narrows, and grants nothing: another city's public roadmap is readable
    by anybody (``roadmap_filter``) but is not one of the user's own.
    """
    if access_for(user).is_network_admin:
        return Q()
    return Q(**{f"{prefix}city_id__in": own_city_ids(user)})


# --- Roadmaps and what hangs on them (actions, meetings) -------------------


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


def can_manage_meetings(user, city_id: int) -> bool:
    access = access_for(user)
    return access.is_network_admin or city_id in access.meeting_city_ids


def can_see_people(user, city_id: int) -> bool:
    """People's names and contact details are for the city's staff only."""
    access = access_for(user)
    return access.is_network_admin or city_id in access.staff_city_ids


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


def city_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the cities (via ``prefix``) the user works for as staff."""
    access = access_for(user)
    if access.is_network_admin:
        return Q()
    return Q(**{f"{prefix}id__in": access.staff_city_ids})


# --- Organisations and people -----------------------------------------------


def can_link_login(user) -> bool:
    """Link a login to a person (or unlink it): the network admin only.

    The link hands the login the person's organisation, and so a partner's
    access to that organisation's working groups.
    """
    return access_for(user).is_network_admin


def can_change_person_organisation(user, person) -> bool:
    """Move ``person`` to another organisation (or give a new person one).

    A person linked to a login speaks for their organisation: moving them would
    hand the login that organisation's working groups, which only those cities'
    staff grant. So only the network admin moves them; the staff of the
    person's own city move the others (among their own city's organisations).
    """
    if access_for(user).is_network_admin:
        return True
    return person is None or person.user_id is None


def own_organisation_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the organisations (via ``prefix``) the user changes:
    those of the cities the user works for as staff (all, for the network admin)."""
    return city_filter(user, prefix=f"{prefix}city__")


def own_person_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the people (via ``prefix``) whose records the user changes.

    The people of the user's own cities' organisations, and the people of no
    organisation who sit in the user's working groups themselves. Another
    city's people in a shared organisation are read-only (``person_filter``).
    """
    from stakeholders.models import Membership

    if access_for(user).is_network_admin:
        return Q()
    members = Membership.objects.filter(
        city_filter(user, prefix="city__"), person__isnull=False
    ).values("person_id")
    return own_organisation_filter(user, prefix=f"{prefix}organisation__") | Q(
        **{f"{prefix}organisation__isnull": True, f"{prefix}pk__in": members}
    )


def organisation_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the organisations (via ``prefix``) the user works with.

    Those of the user's cities, and the members of those cities' working
    groups (an organisation may sit in several cities' groups).
    """
    from stakeholders.models import Membership

    if access_for(user).is_network_admin:
        return Q()
    members = Membership.objects.filter(
        city_filter(user, prefix="city__"), organisation__isnull=False
    ).values("organisation_id")
    return city_filter(user, prefix=f"{prefix}city__") | Q(**{f"{prefix}pk__in": members})


def person_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the people (via ``prefix``) the user works with.

    The people of the organisations of ``organisation_filter``, and the
    people who sit in the user's working groups themselves.
    """
    from stakeholders.models import Membership, Organisation

    if access_for(user).is_network_admin:
        return Q()
    organisations = Organisation.objects.filter(organisation_filter(user)).values("pk")
    members = Membership.objects.filter(
        city_filter(user, prefix="city__"), person__isnull=False
    ).values("person_id")
    return Q(**{f"{prefix}organisation__in": organisations}) | Q(**{f"{prefix}pk__in": members})


# --- A partner's statement of pledges and deliveries (issue 16) -------------


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
