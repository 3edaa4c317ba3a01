"""Organisations and people: whose records a user changes, whom a user works with, and who
links a login to a person."""

from __future__ import annotations

from django.db.models import Q

from .access import access_for, city_filter


def can_see_people(user, city_id: int) -> bool:
    """People's names and contact details are for the city's staff only."""
    access = access_for(user)
    return access.is_network_admin or city_id in access.staff_city_ids


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
