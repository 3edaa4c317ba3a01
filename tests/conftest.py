"""Shared fixtures: two cities (Sofia and Vratsa) and a user for every role.

Following the healthchecks pattern: ``editor`` works for Sofia, ``other_editor``
for Vratsa, ``moderator`` runs Sofia's meetings, ``partner`` belongs to a
company in Sofia's working group, ``network_admin`` sees everything.
"""

import pytest

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
