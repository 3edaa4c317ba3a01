"""Shared fixtures: two cities (Sofia and Vratsa) and a user for every role.

Following the healthchecks pattern: ``editor`` works for Sofia, ``other_editor``
for Vratsa, ``moderator`` runs Sofia's meetings, ``partner`` belongs to a
company in Sofia's working group, ``network_admin`` sees everything.
"""

import pytest
from django.db import connection

from actions.models import Action
from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests read English text unless they ask for Bulgarian.
    settings.LANGUAGE_CODE = "en"
    # Hashing "pw" with PBKDF2 for every user would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production settings want collectstatic's manifest; tests don't run it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def sofia(db):
    return factories.city("Sofia", local_name="София", country="BG", language="bg")


@pytest.fixture
def vratsa(db):
    return factories.city("Vratsa", local_name="Враца", country="BG", language="bg")


@pytest.fixture
def sofia_company(sofia):
    return factories.organisation(sofia, "Demo Company Ltd")


@pytest.fixture
def sofia_roadmap(sofia):
    return factories.roadmap(sofia, title="Sofia CSR roadmap")


@pytest.fixture
def vratsa_roadmap(vratsa):
    return factories.roadmap(vratsa, title="Vratsa CSR roadmap")


@pytest.fixture
def editor(sofia):
    return factories.user("editor", role="editor", cities=[sofia])


@pytest.fixture
def other_editor(vratsa):
    return factories.user("editor-vratsa", role="editor", cities=[vratsa])


@pytest.fixture
def moderator(sofia):
    return factories.user("moderator", role="moderator", cities=[sofia])


@pytest.fixture
def partner(sofia_company):
    return factories.user("partner", role="partner", organisation_=sofia_company)


@pytest.fixture
def network_admin(db):
    return factories.user("admin", role="network admin")


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
