"""The minutes of a meeting as a Word document (python-docx), in the active language.

The document holds what the meeting page holds: people's names only when the
reader may see them (the city's staff); everybody else reads organisations.
Every text goes in through ``core.text.file_text`` (python-docx refuses the
control characters XML cannot hold), by way of ``_paragraph``, ``_run`` and
``_heading``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.shared import Pt

from core.text import file_text, one_line

from .models import AgendaItem, Attendance, Contribution, Meeting, NextStep

DECISION_OUTCOMES = (Contribution.Outcome.ACCEPTED, Contribution.Outcome.MERGED)


@dataclass(frozen=True)
class MinutesData:
    """Everything the minutes show, fetched once by the view."""

    meeting: Meeting
    agenda: list
    attendances: list
    contributions: list
    next_steps: list
    can_see_people: bool


def minutes_data(meeting: Meeting, *, can_see_people: bool) -> MinutesData:
    """Everything the minutes and the meeting page show, in one query per kind of part."""
    return MinutesData(
        meeting=meeting,
        agenda=list(AgendaItem.objects.filter(meeting=meeting).select_related("presenter")),
        attendances=list(
            Attendance.objects.filter(meeting=meeting).select_related("person__organisation")
        ),
        contributions=list(
            Contribution.objects.filter(meeting=meeting).select_related(
                "author", "organisation", "action", "produced_action", "pledge__organisation"
            )
        ),
        next_steps=list(
            NextStep.objects.filter(meeting=meeting).select_related(
                "responsible_organisation", "responsible_person", "carried_from__meeting"
            )
        ),
        can_see_people=can_see_people,
    )


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.start)
    text = formats.date_format(start, "DATETIME_FORMAT")
    if meeting.end:
        text += " – " + formats.time_format(timezone.localtime(meeting.end), "TIME_FORMAT")
    return text


def _person(person, can_see_people: bool) -> str:
    if person is None:
        return ""
    if can_see_people:
        return str(person)
    return str(person.organisation or "")


def organisations_present(attendances) -> list[str]:
    return sorted(
        {str(a.person.organisation) for a in attendances if a.attended and a.person.organisation}
    )


def _paragraph(document, text: object = "", style: str | None = None):
    return document.add_paragraph(file_text(text), style=style)


def _run(paragraph, text: object):
    return paragraph.add_run(file_text(text))


def _heading(document, text: object, level: int):
    return document.add_heading(file_text(text), level=level)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = file_text(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = file_text(text)


def minutes_document(data: MinutesData) -> bytes:
    """Build the .docx and return its bytes."""
    meeting = data.meeting
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = one_line(meeting)
    document.core_properties.language = translation.get_language() or ""
    _heading(document, _("Minutes: %(meeting)s") % {"meeting": meeting}, level=0)

    details = [
        (_("Roadmap"), meeting.roadmap.title),
        (_("Date"), _when(meeting)),
        (_("Format"), meeting.get_format_display()),
        (_("Place"), meeting.place),
        (_("Online link"), meeting.link),
        (_("Phase"), meeting.phase),
        (_("Moderator"), _person(meeting.moderator, data.can_see_people)),
        (_("Status"), meeting.get_status_display()),
    ]
    for label, value in details:
        if value:
            paragraph = _paragraph(document)
            _run(paragraph, f"{label}: ").bold = True
            _run(paragraph, str(value))

    _heading(document, _("Organisations present"), level=1)
    present = organisations_present(data.attendances)
    for name in present or [_("No attendance recorded.")]:
        _paragraph(document, name, style="List Bullet" if present else None)
    if data.can_see_people:
        people = [str(a.person) for a in data.attendances if a.attended]
        if people:
            _heading(document, _("Participants"), level=2)
            for name in people:
                _paragraph(document, name, style="List Bullet")

    _heading(document, _("Agenda"), level=1)
    for item in data.agenda:
        text = item.title
        if item.duration_minutes:
            text += (
                " ("
                + ngettext("%(minutes)s minute", "%(minutes)s minutes", item.duration_minutes)
                % {"minutes": item.duration_minutes}
                + ")"
            )
        presenter = _person(item.presenter, data.can_see_people)
        if presenter:
            text += f" — {presenter}"
        _paragraph(document, text, style="List Number")
        if item.notes:
            _paragraph(document, item.notes)
    if not data.agenda:
        _paragraph(document, _("No agenda recorded."))

    _heading(document, _("Summary"), level=1)
    _paragraph(document, meeting.summary or _("No summary yet."))

    _heading(document, _("Proposals and comments"), level=1)
    for contribution in data.contributions:
        by = str(contribution.organisation or "") or _person(
            contribution.author, data.can_see_people
        )
        if data.can_see_people and contribution.author and contribution.organisation:
            by = f"{contribution.author.name} ({contribution.organisation})"
        heading = f"{contribution.get_kind_display()}" + (f" — {by}" if by else "")
        paragraph = _paragraph(document)
        _run(paragraph, heading).bold = True
        _paragraph(document, contribution.text)
        outcome = _paragraph(document)
        _run(outcome, f"{_('Outcome')}: ").bold = True
        _run(outcome, contribution.get_outcome_display())
        if contribution.produced_action_id or contribution.action_id:
            row = contribution.produced_action or contribution.action
            _run(
                outcome, " — " + _("action %(id)s: %(title)s") % {"id": row.pk, "title": row.title}
            )
        if contribution.discussion_summary:
            _paragraph(document, contribution.discussion_summary)
    if not data.contributions:
        _paragraph(document, _("No proposals or comments recorded."))

    _heading(document, _("Decisions"), level=1)
    decisions = [c for c in data.contributions if c.outcome in DECISION_OUTCOMES]
    for contribution in decisions:
        text = contribution.discussion_summary or contribution.text
        row = contribution.produced_action or contribution.action
        if row is not None:
            text += " → " + _("action %(id)s: %(title)s") % {"id": row.pk, "title": row.title}
        _paragraph(document, text, style="List Bullet")
    if not decisions:
        _paragraph(document, _("No decisions recorded."))

    _heading(document, _("Next steps"), level=1)
    if data.next_steps:
        rows = []
        for step in data.next_steps:
            responsible = ", ".join(
                part
                for part in (
                    str(step.responsible_organisation or ""),
                    step.responsible_person.name
                    if data.can_see_people and step.responsible_person
                    else "",
                )
                if part
            )
            due = formats.date_format(step.due_date, "SHORT_DATE_FORMAT") if step.due_date else ""
            rows.append([step.description, responsible, due, _("done") if step.done else _("open")])
        _table(document, [_("What"), _("Responsible"), _("Due date"), _("Status")], rows)
    else:
        _paragraph(document, _("No next steps recorded."))

    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
