"""The demo data in the test database: the people in it have emails and phones."""

import pytest

from cities4csr import demo
from stakeholders.models import Person


@pytest.fixture
def demo_data(db, settings):
    # The demo users (editor, moderator, partner, editor-vratsa, admin) are made only with DEBUG on.
    settings.DEBUG = True
    demo.load()
    settings.DEBUG = False


@pytest.fixture
def demo_contacts(demo_data) -> list[str]:
    """Every email address and phone number of the demo people."""
    contacts = []
    for email, phone in Person.objects.values_list("email", "phone"):
        contacts += [value for value in (email, phone) if value]
    assert len(contacts) >= 20, "the demo people should have contact details to look for"
    return contacts
