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

The policy is one package, a module by what it is about: ``access`` (roles, the cached
``Access``, the admin's door, the user's cities), ``roadmaps``, ``meetings``, ``people``
(organisations and people) and ``partners`` (a partner's statement, updates and import).
Callers import from ``core.permissions``, never from a module of it.
"""

from .access import (
    EDITOR,
    MODERATOR,
    NETWORK_ADMIN,
    PARTNER,
    ROLES,
    Access,
    Visibility,
    access_for,
    can_use_admin,
    city_filter,
    forget_access,
    own_city_filter,
    own_city_ids,
    staff_user_filter,
    works_for_a_city,
)
from .meetings import can_manage_meetings, meeting_filter, meeting_roadmap_filter
from .partners import (
    PARTNER_ACTION_FIELDS,
    PARTNER_INDICATOR_FIELDS,
    can_add_pledge,
    can_import_workbook,
    can_read_partner_statement,
    can_record_delivery,
    can_update_action,
    can_update_indicators,
    importable_roadmaps,
    is_action_partner,
    partner_actions,
    partner_organisation_id,
    partner_user_filter,
)
from .people import (
    can_change_person_organisation,
    can_link_login,
    can_see_people,
    organisation_filter,
    own_organisation_filter,
    own_person_filter,
    person_filter,
)
from .roadmaps import (
    can_edit_roadmap,
    can_view_roadmap,
    editable_roadmap_filter,
    roadmap_filter,
)

__all__ = [
    "EDITOR",
    "MODERATOR",
    "NETWORK_ADMIN",
    "PARTNER",
    "PARTNER_ACTION_FIELDS",
    "PARTNER_INDICATOR_FIELDS",
    "ROLES",
    "Access",
    "Visibility",
    "access_for",
    "can_add_pledge",
    "can_change_person_organisation",
    "can_edit_roadmap",
    "can_import_workbook",
    "can_link_login",
    "can_manage_meetings",
    "can_read_partner_statement",
    "can_record_delivery",
    "can_see_people",
    "can_update_action",
    "can_update_indicators",
    "can_use_admin",
    "can_view_roadmap",
    "city_filter",
    "editable_roadmap_filter",
    "forget_access",
    "importable_roadmaps",
    "is_action_partner",
    "meeting_filter",
    "meeting_roadmap_filter",
    "organisation_filter",
    "own_city_filter",
    "own_city_ids",
    "own_organisation_filter",
    "own_person_filter",
    "partner_actions",
    "partner_organisation_id",
    "partner_user_filter",
    "person_filter",
    "roadmap_filter",
    "staff_user_filter",
    "works_for_a_city",
]
