"""The role groups exist in every database, with exactly their permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import ROLE_PERMISSIONS, permission_codenames


def _codenames(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_every_role_has_exactly_its_permissions(db):
    for role in ROLE_PERMISSIONS:
        assert _codenames(Group.objects.get(name=role)) == set(permission_codenames(role))


def test_partner_can_only_view(db):
    assert all(
        code.startswith("view_") for _, code in _codenames(Group.objects.get(name="partner"))
    )


def test_migrate_puts_drifted_roles_back(db):
    editor = Group.objects.get(name="editor")
    editor.permissions.clear()
    Group.objects.filter(name="partner").delete()
    call_command("migrate", verbosity=0)
    assert _codenames(Group.objects.get(name="editor")) == set(permission_codenames("editor"))
    assert Group.objects.filter(name="partner").exists()


@pytest.mark.django_db(transaction=True)
def test_roles_survive_a_flush_between_transactional_tests():
    # Browser tests use live_server, whose database is flushed after each test.
    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_PERMISSIONS)
    for role in ROLE_PERMISSIONS:
        assert _codenames(Group.objects.get(name=role)) == set(permission_codenames(role))


def test_the_roles_are_the_permission_modules_roles():
    # One list of role names: core.permissions' constants key the permission table.
    from core import permissions

    assert tuple(ROLE_PERMISSIONS) == permissions.ROLES


def test_a_role_naming_a_missing_permission_changes_nothing(db, monkeypatch):
    from django.contrib.auth.models import Permission

    from core import roles

    before = _codenames(Group.objects.get(name="partner"))
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, "partner", {"actions": {"ghost": ("view",)}})
    with pytest.raises(LookupError, match="view_ghost"):
        roles.sync_roles(Group, Permission)
    assert _codenames(Group.objects.get(name="partner")) == before


def test_migrate_alone_makes_the_roles_from_nothing(db):
    # No migration is applied here: the post_migrate hook is what makes the roles.
    from django.contrib.auth.models import Permission

    Group.objects.all().delete()
    Permission.objects.all().delete()
    call_command("migrate", verbosity=0)
    for role in ROLE_PERMISSIONS:
        assert _codenames(Group.objects.get(name=role)) == set(permission_codenames(role))


def test_migrate_follows_a_change_of_the_roles_in_the_code(db, monkeypatch):
    from core import roles

    changed = {**roles.ROLE_PERMISSIONS["partner"], "stakeholders": {"city": ("view",)}}
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, "partner", changed)
    call_command("migrate", verbosity=0)
    assert ("stakeholders", "view_organisation") not in _codenames(
        Group.objects.get(name="partner")
    )
    assert _codenames(Group.objects.get(name="partner")) == set(permission_codenames("partner"))
