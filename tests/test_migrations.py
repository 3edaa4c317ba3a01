"""Migrations match the models, and go back to zero and forward again.

Runs on whichever database the suite uses; CI runs the suite on SQLite and on PostgreSQL.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.roles import ROLE_PERMISSIONS

PROJECT_APPS = ("stakeholders", "actions", "meetings")


def project_tables() -> set[str]:
    return {
        table
        for table in connection.introspection.table_names()
        if table.startswith(tuple(f"{app}_" for app in PROJECT_APPS))
    }


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"makemigrations would create migrations:\n{out.getvalue()}")


# Schema changes cannot run inside the transaction of a plain ``db`` test (SQLite refuses),
# so this test commits; pytest-django flushes the tables afterwards.
@pytest.mark.django_db(transaction=True)
def test_migrations_go_back_to_zero_and_forward_again():
    tables_when_migrated = project_tables()
    assert tables_when_migrated

    try:
        MigrationExecutor(connection).migrate([(app, None) for app in PROJECT_APPS])
        assert project_tables() == set()
        assert not Group.objects.filter(name__in=ROLE_PERMISSIONS).exists()

        migrate_to_latest()
        assert project_tables() == tables_when_migrated
        assert set(
            Group.objects.filter(name__in=ROLE_PERMISSIONS).values_list("name", flat=True)
        ) == set(ROLE_PERMISSIONS)
    finally:
        # Whatever failed above, the tests after this one need a fully migrated database.
        migrate_to_latest()

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_role_migration_is_frozen_history():
    # Editing the roles later must not change what an old migration does:
    # 0002 carries its own table and imports nothing but Django.
    import ast
    import importlib.util
    from pathlib import Path

    path = Path(importlib.util.find_spec("stakeholders.migrations.0002_roles").origin)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported
    assert all(name == "django" or name.startswith("django.") for name in imported), imported
