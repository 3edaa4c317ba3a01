"""The minutes as a Word document, read back with python-docx."""

import io

import pytest
from django.urls import reverse
from docx import Document

from actions.models import Roadmap
from meetings.services import proposal_accept


def _minutes(client, meeting, **headers):
    response = client.get(reverse("meetings:minutes", args=[meeting.pk]), **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return Document(io.BytesIO(response.content))


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def accepted(moderator, held_meeting):
    return proposal_accept(contribution=held_meeting["proposal"], by=moderator)


def test_minutes_hold_everything_the_issue_asks_for(client, editor, held_meeting, accepted):
    client.force_login(editor)
    document = _minutes(client, held_meeting["meeting"])
    text = _text(document)
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == f"Minutes: {held_meeting['meeting']}"
    for heading in (
        "Organisations present",
        "Agenda",
        "Summary",
        "Proposals and comments",
        "Decisions",
        "Next steps",
    ):
        assert heading in headings
    for expected in (
        "Date: ",
        "Format: online",
        "Online link: https://meet.example.org/sofia-csr",
        "Moderator: Stefan Demov (Chamber of Commerce)",
        "Chamber of Commerce",
        "Demo Company Ltd",
        "Action Table (40 minutes) — Stefan Demov (Chamber of Commerce)",
        "The working group began the Action Table.",
        "Annual CSR awards in three categories",
        "Outcome: accepted",
        f"action {accepted.pk}: {accepted.title}",
        "Measure the results every year.",
        "Outcome: noted",
    ):
        assert expected in text, expected
    # The decisions are the accepted proposals, pointing to their rows.
    decisions = [p.text for p in document.paragraphs if "→" in p.text]
    assert decisions == [
        "Supported by everybody; the chamber helps with the jury. → "
        f"action {accepted.pk}: {accepted.title}"
    ]
    (steps,) = document.tables
    header, row = ([cell.text for cell in r.cells] for r in steps.rows)
    assert header == ["What", "Responsible", "Due date", "Status"]
    assert row[0] == "Draft the awards' rules."
    assert row[1] == "Chamber of Commerce, Stefan Demov"
    assert row[2]
    assert row[3] == "open"


def test_partner_minutes_name_organisations_not_people(
    client, partner, held_meeting, sofia_roadmap
):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    client.force_login(partner)
    text = _text(_minutes(client, held_meeting["meeting"]))
    assert "Chamber of Commerce" in text
    assert "Stefan Demov" not in text
    assert "Viktor Demov" not in text
    assert "Participants" not in text


def test_minutes_follow_the_readers_language(client, editor, held_meeting):
    client.force_login(editor)
    english = _minutes(client, held_meeting["meeting"])
    client.cookies["django_language"] = "bg"
    bulgarian = _minutes(client, held_meeting["meeting"])
    assert english.core_properties.language == "en"
    assert bulgarian.core_properties.language == "bg"
    headings = [p.text for p in bulgarian.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Присъствали организации", "Дневен ред", "Решения", "Следващи стъпки"):
        assert heading in headings
    text = _text(bulgarian)
    assert "Формат: " in text and "Резултат: " in text
    assert "Action Table (40 минути)" in text
    assert "Organisations present" not in text and "Next steps" not in text
