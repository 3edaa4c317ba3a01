"""The four roles and their model permissions, beside the policy that uses them.

A role is a Django group; its model permissions say *what kind* of thing its
members may change, and ``core.permissions`` says *where* (which city). The
``post_migrate`` hook in ``stakeholders.apps`` calls ``sync_roles`` after every
migrate and flush, so that every database holds the roles exactly as written
here.
"""

from __future__ import annotations

from collections.abc import Iterator

from .permissions import EDITOR, MODERATOR, NETWORK_ADMIN, PARTNER

VIEW = ("view",)
ALL = ("view", "add", "change", "delete")

_READ_ALL = {
    "stakeholders": {"city": VIEW, "organisation": VIEW},
    "actions": {
        "roadmap": VIEW,
        "challenge": VIEW,
        "action": VIEW,
        "indicator": VIEW,
        # An action's resources (issue 16).
        "fundingline": VIEW,
        "pledge": VIEW,
        "delivery": VIEW,
    },
    "meetings": {
        "meeting": VIEW,
        "agendaitem": VIEW,
        "contribution": VIEW,
        "nextstep": VIEW,
    },
}

_EDITOR = {
    "stakeholders": {
        "city": VIEW,
        "organisation": ("view", "add", "change"),
        "person": VIEW,
        "membership": VIEW,
    },
    "actions": {
        "roadmap": ("view", "change"),
        "challenge": ALL,
        "action": ALL,
        "indicator": ALL,
        # An action's resources (issue 16): a pledge nothing was delivered of may
        # be removed, a delivery (a line of a ledger) corrected or removed; the
        # services keep the history of each (actions.services.resource_corrections).
        "fundingline": ALL,
        "pledge": ALL,
        "delivery": ALL,
    },
    "meetings": {
        "meeting": VIEW,
        "agendaitem": VIEW,
        "attendance": VIEW,
        "contribution": VIEW,
        "nextstep": VIEW,
    },
}

_MODERATOR = {
    "stakeholders": {
        "city": VIEW,
        "organisation": ("view", "add", "change"),
        "person": ("view", "add", "change"),
        "membership": ALL,
    },
    "actions": _EDITOR["actions"],
    "meetings": {
        "meeting": ALL,
        "agendaitem": ALL,
        "attendance": ALL,
        "contribution": ALL,
        "nextstep": ALL,
    },
}

_NETWORK_ADMIN = {
    "stakeholders": dict.fromkeys(
        ("city", "organisation", "person", "membership", "cityaccess"), ALL
    ),
    "actions": dict.fromkeys(
        ("roadmap", "challenge", "action", "indicator", "fundingline", "pledge", "delivery"), ALL
    ),
    "meetings": dict.fromkeys(
        ("meeting", "agendaitem", "attendance", "contribution", "nextstep"), ALL
    ),
    "auth": {"user": ALL, "group": VIEW},
    # The task queue (django-tasks-db): read only; workers write it.
    "django_tasks_database": {"dbtaskresult": VIEW},
    # The sent log (outbox): what went to whom; written by the delivery task.
    "outbox": {"mail": VIEW},
    # django-axes' records: a lockout is seen, and lifted by deleting its attempt.
    "axes": {"accessattempt": ("view", "delete"), "accesslog": VIEW, "accessfailurelog": VIEW},
}

# A partner's model permissions stay view-only: partners do not use the admin. What
# they update in the browser (status, progress and indicators' values of their own
# actions, their organisation's pledges and deliveries) is decided per object in
# ``core.permissions`` (``can_update_action`` and the functions beside it).
ROLE_PERMISSIONS = {
    EDITOR: _EDITOR,
    MODERATOR: _MODERATOR,
    PARTNER: _READ_ALL,
    NETWORK_ADMIN: _NETWORK_ADMIN,
}


def permission_codenames(role: str) -> Iterator[tuple[str, str]]:
    """Yield (app_label, codename) for each permission of ``role``."""
    for app_label, models in ROLE_PERMISSIONS[role].items():
        for model, verbs in models.items():
            for verb in verbs:
                yield app_label, f"{verb}_{model}"


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give each exactly its permissions.

    Takes the models as arguments so that it runs on a migration state's
    historical models as well as on the real ones.
    """
    wanted = {role: set(permission_codenames(role)) for role in ROLE_PERMISSIONS}
    every = set().union(*wanted.values())
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in permission_model.objects.filter(
            codename__in={codename for _, codename in every}
        ).select_related("content_type")
    }
    missing = every - found.keys()
    if missing:
        raise LookupError(f"The roles name permissions that do not exist: {sorted(missing)}")
    for role, codenames in wanted.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([found[key] for key in codenames])
