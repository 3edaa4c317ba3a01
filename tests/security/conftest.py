"""Fixtures shared by the two permission matrices."""

import pytest


@pytest.fixture
def matrix_users(editor, other_editor, moderator, partner, network_admin) -> dict:
    """The matrices' roles (urlmatrix.ROLES) and the user each one signs in as."""
    return {
        "anonymous": None,
        "partner": partner,
        "editor": editor,
        "other_editor": other_editor,
        "moderator": moderator,
        "network_admin": network_admin,
    }
