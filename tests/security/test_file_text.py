"""Text users typed never breaks a file: every text field of actions, meetings,
contributions, next steps, organisations, people and the roadmap holds CR, LF,
NUL, other C0 controls, U+FFFE and an emoji, and every file (.xlsx, .docx, .ics,
the invitation's .ics) downloads with 200 and holds the text, minus the controls.
"""

from __future__ import annotations

import datetime
import io
import re

import icalendar
import openpyxl
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actions.models import Challenge
from actions.workbook.cells import Cells, add_styles
from meetings.models import AgendaItem, Attendance, Contribution, NextStep
from tests import factories

# PostgreSQL stores no NUL in text (forms refuse it: ProhibitNullCharactersValidator);
# SQLite does, so there the files meet one too.
NUL = "" if connection.vendor == "postgresql" else "\x00"
POISON = f"\r\n\rCR\nLF{NUL}NUL\x01\x07\x08\x0b\x0c\x1b\x1fC0\ufffe\uffffFFFE 🚲\t"
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def poisoned(key: str) -> str:
    return f"{key}-start{POISON}{key}-end"


def poisoned_short(key: str) -> str:
    """For a field of 50 characters (an indicator's unit)."""
    return f"{key}-start\r\n\x07\x1b\ufffe🚲{key}-end"


def _markers(*keys: str) -> list[str]:
    return [marker for key in keys for marker in (f"{key}-start", f"{key}-end")]


@pytest.fixture
def poisoned_world(sofia, editor, moderator):
    roadmap = factories.roadmap(sofia, title=poisoned("roadmap_title"))
    roadmap.main_challenges = poisoned("roadmap_main_challenges")
    roadmap.save()
    challenge = factories.challenge(
        roadmap,
        title=poisoned("challenge_title"),
        description=poisoned("challenge_description"),
        strand=Challenge.Strand.SOCIAL,
    )
    lead = factories.organisation(sofia, poisoned("lead_name"), sector=poisoned("lead_sector"))
    partner = factories.organisation(sofia, poisoned("partner_name"))
    person = factories.person(
        partner,
        poisoned("person_name"),
        position=poisoned("person_position"),
        consent_to_contact=True,
    )
    action = factories.action(
        roadmap,
        challenge=challenge,
        lead_partner=lead,
        key_partners=[partner],
        title=poisoned("action_title"),
        description=poisoned("action_description"),
        expected_results=poisoned("action_expected_results"),
        resources=poisoned("action_resources"),
        in_kind=poisoned("action_in_kind"),
    )
    factories.indicator(action, name=poisoned("indicator_name"), unit=poisoned_short("iu"))
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = factories.meeting(
        roadmap,
        title=poisoned("meeting_title"),
        start=start,
        end=start + datetime.timedelta(hours=2),
        place=poisoned("meeting_place"),
        phase=poisoned("meeting_phase"),
        summary=poisoned("meeting_summary"),
        moderator=person,
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title=poisoned("agenda_title"),
        notes=poisoned("agenda_notes"),
        presenter=person,
    )
    Attendance.objects.create(meeting=meeting, person=person, invited=True, attended=True)
    Contribution.objects.create(
        meeting=meeting,
        position=1,
        author=person,
        organisation=partner,
        text=poisoned("contribution_text"),
        discussion_summary=poisoned("contribution_summary"),
        outcome="accepted",
        action=action,
    )
    NextStep.objects.create(
        meeting=meeting,
        position=1,
        description=poisoned("step_description"),
        responsible_organisation=partner,
        responsible_person=person,
    )
    return {"roadmap": roadmap, "meeting": meeting}


def _assert_clean(text: str, expected: list[str], what: str) -> None:
    assert not FORBIDDEN.search(text), f"{what} holds a control character"
    missing = [marker for marker in expected if marker not in text]
    assert not missing, f"{what} lacks {missing}"
    assert "🚲" in text, what


def _xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [document.core_properties.title or ""]
    parts += [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _ics_text(content: bytes) -> str:
    """The calendar's property values as a reader sees them, after checking that no
    line break hides in a content line (a lenient reader would start a new property)."""
    for line in content.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line, line
    calendar = icalendar.Calendar.from_ical(content)
    values = [str(calendar.get("x-wr-calname", ""))]
    for event in calendar.walk("VEVENT"):
        values += [str(event.get(name, "")) for name in ("summary", "location", "description")]
    return "\n".join(values)


IN_WORKBOOK = _markers(
    "roadmap_title",
    "challenge_title",
    "lead_name",
    "partner_name",
    "action_title",
    "action_description",
    "action_expected_results",
    "action_resources",
    "action_in_kind",
    "indicator_name",
    "iu",
    "meeting_title",
    "meeting_summary",
    "contribution_text",
    "step_description",
)
IN_MINUTES = _markers(
    "roadmap_title",
    "meeting_title",
    "meeting_place",
    "meeting_phase",
    "meeting_summary",
    "person_name",
    "partner_name",
    "agenda_title",
    "agenda_notes",
    "contribution_text",
    "contribution_summary",
    "action_title",
    "step_description",
)
IN_EVENT = _markers("meeting_title", "meeting_place", "roadmap_title", "agenda_title")


def test_every_file_downloads_with_the_text_and_without_controls(client, editor, poisoned_world):
    roadmap, meeting = poisoned_world["roadmap"], poisoned_world["meeting"]
    client.force_login(editor)

    workbook = client.get(reverse("actions:export", args=[roadmap.pk]))
    assert workbook.status_code == 200
    _assert_clean(_xlsx_text(workbook.getvalue()), IN_WORKBOOK, "the workbook")

    minutes = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    assert minutes.status_code == 200
    _assert_clean(_docx_text(minutes.content), IN_MINUTES, "the minutes")

    event = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert event.status_code == 200
    _assert_clean(_ics_text(event.content), IN_EVENT, "the meeting's calendar")

    feed = client.get(reverse("meetings:roadmap_ics", args=[roadmap.pk]))
    assert feed.status_code == 200
    text = _ics_text(feed.content)
    _assert_clean(text, IN_EVENT, "the roadmap's calendar")
    name = str(icalendar.Calendar.from_ical(feed.content)["x-wr-calname"])
    assert name.startswith("roadmap_title-start CR LF") and name.endswith("roadmap_title-end")


def test_the_invitations_go_out_with_a_clean_calendar(client, moderator, poisoned_world):
    meeting = poisoned_world["meeting"]
    client.force_login(moderator)
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "send_invitations", ACTION_CHECKBOX_NAME: [meeting.pk]},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    ((_name, ics, _type),) = message.attachments
    _assert_clean(_ics_text(ics.encode() if isinstance(ics, str) else ics), IN_EVENT, "the .ics")


def test_a_line_feed_in_a_title_is_not_a_500(client, editor, sofia, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap, title="Two\nlines")
    sofia_roadmap.title = "Roadmap\rwith a CR"
    sofia_roadmap.save()
    client.force_login(editor)
    for url in (
        reverse("meetings:ics", args=[meeting.pk]),
        reverse("meetings:roadmap_ics", args=[sofia_roadmap.pk]),
        reverse("meetings:minutes", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_export_keeps_to_what_openpyxl_accepts(client, editor, poisoned_world):
    client.force_login(editor)
    content = client.get(reverse("actions:export", args=[poisoned_world["roadmap"].pk]))
    assert not ILLEGAL_CHARACTERS_RE.search(_xlsx_text(content.getvalue()))


@pytest.mark.parametrize("start", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_full_width_formula_starts_are_quote_prefixed(start):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet")
    cells = Cells(sheet, add_styles(workbook))
    sheet.append([cells.text(f"{start}SUM(A1:A9)"), cells.text("plain")])
    out = io.BytesIO()
    workbook.save(out)
    read = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Sheet"]
    assert read["A1"].value == f"{start}SUM(A1:A9)"
    assert read["A1"].data_type == "s"
    assert read["A1"].quotePrefix
    assert not read["B1"].quotePrefix
