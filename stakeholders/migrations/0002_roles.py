"""The four role groups and their permissions, as they were when this migration was written.

The table is frozen here on purpose: a migration is history, and must do
tomorrow what it did the day it ran. Today's roles live in ``core.roles``;
the ``post_migrate`` hook in ``stakeholders.apps`` brings every database to
them after each migrate and flush, so this migration is not needed for the
roles to be right: it only tells what step 0002 did.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Role name -> app label -> permission codenames.
ROLES = {
    "editor": {
        "stakeholders": (
            "view_city",
            "view_organisation",
            "add_organisation",
            "change_organisation",
            "view_person",
            "view_membership",
        ),
        "actions": (
            "view_roadmap",
            "change_roadmap",
            "view_challenge",
            "add_challenge",
            "change_challenge",
            "delete_challenge",
            "view_action",
            "add_action",
            "change_action",
            "delete_action",
            "view_indicator",
            "add_indicator",
            "change_indicator",
            "delete_indicator",
        ),
        "meetings": (
            "view_meeting",
            "view_agendaitem",
            "view_attendance",
            "view_contribution",
            "view_nextstep",
        ),
    },
    "moderator": {
        "stakeholders": (
            "view_city",
            "view_organisation",
            "add_organisation",
            "change_organisation",
            "view_person",
            "add_person",
            "change_person",
            "view_membership",
            "add_membership",
            "change_membership",
            "delete_membership",
        ),
        "actions": (
            "view_roadmap",
            "change_roadmap",
            "view_challenge",
            "add_challenge",
            "change_challenge",
            "delete_challenge",
            "view_action",
            "add_action",
            "change_action",
            "delete_action",
            "view_indicator",
            "add_indicator",
            "change_indicator",
            "delete_indicator",
        ),
        "meetings": (
            "view_meeting",
            "add_meeting",
            "change_meeting",
            "delete_meeting",
            "view_agendaitem",
            "add_agendaitem",
            "change_agendaitem",
            "delete_agendaitem",
            "view_attendance",
            "add_attendance",
            "change_attendance",
            "delete_attendance",
            "view_contribution",
            "add_contribution",
            "change_contribution",
            "delete_contribution",
            "view_nextstep",
            "add_nextstep",
            "change_nextstep",
            "delete_nextstep",
        ),
    },
    "partner": {
        "stakeholders": (
            "view_city",
            "view_organisation",
        ),
        "actions": (
            "view_roadmap",
            "view_challenge",
            "view_action",
            "view_indicator",
        ),
        "meetings": (
            "view_meeting",
            "view_agendaitem",
            "view_contribution",
            "view_nextstep",
        ),
    },
    "network admin": {
        "stakeholders": (
            "view_city",
            "add_city",
            "change_city",
            "delete_city",
            "view_organisation",
            "add_organisation",
            "change_organisation",
            "delete_organisation",
            "view_person",
            "add_person",
            "change_person",
            "delete_person",
            "view_membership",
            "add_membership",
            "change_membership",
            "delete_membership",
            "view_cityaccess",
            "add_cityaccess",
            "change_cityaccess",
            "delete_cityaccess",
        ),
        "actions": (
            "view_roadmap",
            "add_roadmap",
            "change_roadmap",
            "delete_roadmap",
            "view_challenge",
            "add_challenge",
            "change_challenge",
            "delete_challenge",
            "view_action",
            "add_action",
            "change_action",
            "delete_action",
            "view_indicator",
            "add_indicator",
            "change_indicator",
            "delete_indicator",
        ),
        "meetings": (
            "view_meeting",
            "add_meeting",
            "change_meeting",
            "delete_meeting",
            "view_agendaitem",
            "add_agendaitem",
            "change_agendaitem",
            "delete_agendaitem",
            "view_attendance",
            "add_attendance",
            "change_attendance",
            "delete_attendance",
            "view_contribution",
            "add_contribution",
            "change_contribution",
            "delete_contribution",
            "view_nextstep",
            "add_nextstep",
            "change_nextstep",
            "delete_nextstep",
        ),
        "auth": (
            "view_user",
            "add_user",
            "change_user",
            "delete_user",
            "view_group",
        ),
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codenames in permissions.items()
                for codename in codenames
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stakeholders", "0001_initial"),
        ("actions", "0001_initial"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
