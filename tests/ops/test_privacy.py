"""Partners and every export show organisations, never people's email or phone (issue 6, 17).

Each page a partner can open and each export (workbook, minutes, calendars) is
fetched from the demo data and searched for every demo person's email address
and phone number, in the text as served and with markup, XML runs and iCalendar
line folding taken out (so that an address split over two runs still counts).
A URL name that no longer resolves fails the test that names it: a renamed page
must be renamed here too, never drop out of the scan.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from actions.models import Roadmap
from cities4csr import demo

ROLES = ["partner", "editor", "moderator", "admin"]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.fail(f"{name} does not resolve: was the page renamed? Scan it under its new name")


def _texts(content: bytes) -> list[str]:
    """The readable forms of a response: as served, and with markup and folding removed."""
    if content[:4] == b"PK\x03\x04":  # .xlsx and .docx are zip files of XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    else:
        parts = [content.decode("utf-8", "replace")]
    texts = []
    for part in parts:
        unfolded = re.sub(r"\r?\n[ \t]", "", part)  # iCalendar folds lines at 75 octets
        texts += [part, unfolded, re.sub(r"<[^>]+>", "", unfolded)]
    return texts


def _leaks(content: bytes, contacts: list[str]) -> list[str]:
    found = set()
    for text in _texts(content):
        lowered = text.lower()
        squeezed = re.sub(r"\s+", "", text)
        for contact in contacts:
            if contact.lower() in lowered or re.sub(r"\s+", "", contact) in squeezed:
                found.add(contact)
    return sorted(found)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return _body(response)


@pytest.fixture(scope="module")
def demo_loaded(module_db):
    # The demo users (editor, moderator, partner, editor-vratsa, admin) are made only with DEBUG on.
    with override_settings(DEBUG=True):
        demo.load()


@pytest.fixture
def demo_data(demo_loaded, db):
    """The demo data of tests/ops/conftest.py, loaded once for this module: every
    test here reads it, and each runs in a savepoint that is rolled back."""


@pytest.fixture
def sofia_roadmap(demo_data):
    return Roadmap.objects.get(city__name="Sofia")


def _login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def _meetings(roadmap):
    return list(roadmap.meetings.order_by("number")) if hasattr(roadmap, "meetings") else []


def test_scanner_finds_contact_details_where_staff_may_see_them(client, demo_contacts):
    # The admin's list of people shows their addresses to a network admin: proof
    # that the scan below would notice a leak.
    _login(client, "admin")
    content = _get(client, reverse("admin:stakeholders_person_changelist"))
    assert len(_leaks(content, demo_contacts)) >= 10


@pytest.mark.parametrize(
    "name",
    ["dashboard", "actions:roadmap_list", "meetings:list", "outbox:settings"],
    ids=lambda n: n,
)
def test_partner_lists_show_no_contact_details(client, demo_contacts, name):
    _login(client, "partner")
    assert _leaks(_get(client, _url(name)), demo_contacts) == []


def test_unsubscribe_pages_show_no_contact_details(client, demo_contacts):
    from outbox.models import Kind
    from outbox.services import unsubscribe_token
    from stakeholders.models import Person

    person = Person.objects.exclude(email="").order_by("pk").first()
    url = reverse("outbox:unsubscribe", args=[unsubscribe_token(person, Kind.INVITATION)])
    assert _leaks(_get(client, url), demo_contacts) == []


@pytest.mark.parametrize("name", ["actions:roadmap", "actions:timeline"], ids=lambda n: n)
def test_partner_roadmap_pages_show_no_contact_details(client, demo_contacts, sofia_roadmap, name):
    _login(client, "partner")
    assert _leaks(_get(client, _url(name, sofia_roadmap.pk)), demo_contacts) == []


def test_partner_action_pages_show_no_contact_details(client, demo_contacts, sofia_roadmap):
    _login(client, "partner")
    actions = list(sofia_roadmap.actions.all())
    assert actions
    leaks = {
        action.pk: found
        for action in actions
        if (found := _leaks(_get(client, _url("actions:action", action.pk)), demo_contacts))
    }
    assert leaks == {}


def test_partner_meeting_pages_show_no_contact_details(client, demo_contacts, sofia_roadmap):
    _login(client, "partner")
    meetings = _meetings(sofia_roadmap)
    assert meetings
    leaks = {
        meeting.pk: found
        for meeting in meetings
        if (found := _leaks(_get(client, _url("meetings:meeting", meeting.pk)), demo_contacts))
    }
    assert leaks == {}


@pytest.mark.parametrize("role", ROLES)
def test_workbook_export_holds_no_contact_details(client, demo_contacts, sofia_roadmap, role):
    _login(client, role)
    content = _get(client, _url("actions:export", sofia_roadmap.pk))
    assert content[:4] == b"PK\x03\x04"
    assert _leaks(content, demo_contacts) == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["meetings:minutes", "meetings:ics"], ids=lambda n: n)
def test_meeting_exports_hold_no_contact_details(client, demo_contacts, sofia_roadmap, role, name):
    _login(client, role)
    meetings = _meetings(sofia_roadmap)
    assert meetings
    leaks = {
        meeting.pk: found
        for meeting in meetings
        if (found := _leaks(_get(client, _url(name, meeting.pk)), demo_contacts))
    }
    assert leaks == {}


@pytest.mark.parametrize("role", ROLES)
def test_roadmap_calendar_holds_no_contact_details(client, demo_contacts, sofia_roadmap, role):
    _login(client, role)
    content = _get(client, _url("meetings:roadmap_ics", sofia_roadmap.pk))
    assert b"BEGIN:VCALENDAR" in content
    assert _leaks(content, demo_contacts) == []


@pytest.mark.parametrize("role", ROLES)
def test_partner_statement_holds_no_personal_data(client, demo_contacts, sofia_roadmap, role):
    """The statement of the demo partner's organisation (issue 16): organisations,
    actions and what they brought; no person's name, email or phone."""
    from stakeholders.models import Person

    organisation = Person.objects.get(user__username="partner").organisation
    assert organisation.pledges.exists(), "the demo partner should have pledges to show"
    _login(client, role)
    content = _get(client, _url("actions:partner_statement", sofia_roadmap.pk, organisation.pk))
    assert content[:4] == b"PK\x03\x04"
    assert _leaks(content, demo_contacts) == []
    # The file writes non-ASCII text as character references: read its cells.
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    text = "\n".join(
        str(value)
        for ws in workbook
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    names = list(Person.objects.values_list("name", flat=True))
    assert names and [name for name in names if name in text] == []
    assert organisation.name in text


def test_removed_actions_are_for_staff_and_show_no_contact_details(
    client, demo_contacts, sofia_roadmap
):
    from actions import services

    editor = User.objects.get(username="editor")
    removed = sofia_roadmap.actions.order_by("pk").first()
    services.action_delete(action=removed, by=editor, expected_version=removed.version)
    url = _url("actions:removed_actions", sofia_roadmap.pk)
    _login(client, "partner")
    assert client.get(url).status_code == 403
    content = _get(_login(client, "editor"), url)
    assert removed.title.encode() in content or removed.title in content.decode()
    assert _leaks(content, demo_contacts) == []
