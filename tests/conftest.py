"""Shared fixtures: two cities (Sofia and Vratsa) and a user for every role.

Following the healthchecks pattern: ``editor`` works for Sofia, ``other_editor``
for Vratsa, ``moderator`` runs Sofia's meetings, ``partner`` belongs to a
company in Sofia's working group, ``network_admin`` sees everything.
"""

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import override_settings

from actions.models import Action
from tests import factories


def _settings_for_tests() -> dict:
    return {
        # Tests read English text unless they ask for Bulgarian.
        "LANGUAGE_CODE": "en",
        # Hashing "pw" with PBKDF2 for every user would dominate the suite's time.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Production settings want collectstatic's manifest; tests don't run it.
        "STORAGES": {
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (not the in-memory default), so that a
    process the tests start (a real task worker, tests/tasks) opens the same database."""
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite" and not test.get("NAME"):
        test["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    for name, value in _settings_for_tests().items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back after its last test.

    What a module-scoped fixture that asks for ``module_db`` writes, every test
    of the module sees and no other module does: a world built once instead of
    once per test (TestCase.setUpTestData, for pytest). Each test still runs in a
    savepoint of its own (pytest-django's ``db``), so no test sees what another
    wrote. Tests that take such a world should take a deep copy of its objects
    (as setUpTestData does), so that no test sees another's changes to them in
    memory either. Once built, the world is there for the rest of the module:
    for the module's tests that want a database without it too, keep it
    per test.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(**_settings_for_tests()),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture
def sofia(db):
    return factories.sofia()


@pytest.fixture
def vratsa(db):
    return factories.vratsa()


@pytest.fixture
def sofia_company(sofia):
    return factories.sofia_company(sofia)


@pytest.fixture
def sofia_roadmap(sofia):
    return factories.roadmap(sofia, title="Sofia CSR roadmap")


@pytest.fixture
def vratsa_roadmap(vratsa):
    return factories.roadmap(vratsa, title="Vratsa CSR roadmap")


@pytest.fixture
def editor(sofia):
    return factories.editor(sofia)


@pytest.fixture
def other_editor(vratsa):
    return factories.other_editor(vratsa)


@pytest.fixture
def moderator(sofia):
    return factories.moderator(sofia)


@pytest.fixture
def partner(sofia_company):
    return factories.partner(sofia_company)


@pytest.fixture
def network_admin(db):
    return factories.network_admin()


@pytest.fixture
def rival_saves_first(db):
    """``rival_saves_first(action, **changes)``: somebody else's save of ``action``
    lands after a service has read the row and checked its version, just before
    the service's first write to it: the window that select_for_update leaves
    open on SQLite.

    Django's public query hook (``connection.execute_wrapper``) runs the rival's
    UPDATE right before the first UPDATE of the action table that the code
    under test issues. The rival writes inside the caller's transaction, so a
    refusal that rolls back also rolls the rival's save back.
    """
    table = connection.ops.quote_name(Action._meta.db_table)
    armed: list[tuple[int, dict]] = []

    def rival_first(execute, sql, params, many, context):
        if armed and sql.startswith(f"UPDATE {table} "):
            pk, changes = armed.pop()
            Action.objects.filter(pk=pk).update(**changes)
        return execute(sql, params, many, context)

    def arm(action: Action, **changes) -> None:
        armed.append((action.pk, changes))

    with connection.execute_wrapper(rival_first):
        yield arm
    assert not armed, "the code under test never wrote the row: the rival had no window"
