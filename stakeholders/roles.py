"""The four roles and their model permissions.

Used by the migration that creates the groups, and by ``load_demo`` and tests
to re-apply them. The city a role applies to is data (CityAccess, Membership);
see ``core.permissions``.
"""

VIEW = ("view",)
ALL = ("view", "add", "change", "delete")

_READ_ALL = {
    "stakeholders": {"city": VIEW, "organisation": VIEW},
    "actions": {"roadmap": VIEW, "challenge": VIEW, "action": VIEW, "indicator": VIEW},
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
    "actions": dict.fromkeys(("roadmap", "challenge", "action", "indicator"), ALL),
    "meetings": dict.fromkeys(
        ("meeting", "agendaitem", "attendance", "contribution", "nextstep"), ALL
    ),
    "auth": {"user": ALL, "group": VIEW},
}

ROLE_PERMISSIONS = {
    "editor": _EDITOR,
    "moderator": _MODERATOR,
    "partner": _READ_ALL,
    "network admin": _NETWORK_ADMIN,
}


def permission_codenames(role: str):
    """Yield (app_label, codename) for each permission of ``role``."""
    for app_label, models in ROLE_PERMISSIONS[role].items():
        for model, verbs in models.items():
            for verb in verbs:
                yield app_label, f"{verb}_{model}"


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give each exactly its permissions."""
    for role in ROLE_PERMISSIONS:
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for app_label, codename in permission_codenames(role):
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
