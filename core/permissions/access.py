"""Who a user is to the policy: the roles, the cached ``Access``, the admin's door, and the
cities the user works for (as staff, or in their organisation's working groups)."""

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


def city_filter(user, prefix: str = "") -> Q:
    """A Q object selecting the cities (via ``prefix``) the user works for as staff."""
    access = access_for(user)
    if access.is_network_admin:
        return Q()
    return Q(**{f"{prefix}id__in": access.staff_city_ids})


def staff_user_filter(city_ids, prefix: str = "") -> Q:
    """A Q object selecting the users (via ``prefix``) who work for one of ``city_ids`` as
    staff: active, editor or moderator, with access to the city (``Access.staff_city_ids``)."""
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}city_accesses__city_id__in": city_ids,
            f"{prefix}groups__name__in": (EDITOR, MODERATOR),
        }
    )
