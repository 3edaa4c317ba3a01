"""Fixtures shared by the two permission matrices."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories


@pytest.fixture(scope="module")
def matrix_cast(module_db) -> tuple:
    """Sofia, Vratsa and the matrices' roles (urlmatrix.ROLES) with the user each
    one signs in as: the users of tests/conftest.py, made once for the module."""
    sofia, vratsa = factories.sofia(), factories.vratsa()
    editor, other_editor = factories.editor(sofia), factories.other_editor(vratsa)
    moderator = factories.moderator(sofia)
    partner = factories.partner(factories.sofia_company(sofia))
    shared_partner = factories.user(
        "shared-partner",
        role="partner",
        organisation_=factories.shared_organisation(sofia, vratsa),
    )
    users = {
        "anonymous": None,
        "partner": partner,
        "shared_partner": shared_partner,
        "editor": editor,
        "other_editor": other_editor,
        "moderator": moderator,
        "network_admin": factories.network_admin(),
    }
    return sofia, vratsa, users


@pytest.fixture(scope="module")
def matrix_sessions(matrix_cast) -> dict:
    """The session key of each role's user, signed in once for the module."""
    _, _, users = matrix_cast
    keys = {}
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            keys[role] = client.session.session_key
    return keys


@pytest.fixture
def client_as(matrix_sessions, db):
    """``client_as(role)``: a new client, signed in with the role's session."""

    def make(role: str) -> Client:
        client = Client()
        if role in matrix_sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = matrix_sessions[role]
        return client

    return make
