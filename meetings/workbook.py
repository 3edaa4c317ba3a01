"""The Meetings sheet of a roadmap's workbook, which this app adds to the export
of the actions app (``actions.workbook.export.register_sheet``, in ``apps.py``).
Organisations only: no person's name, email or phone."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from actions.models import Roadmap
from actions.workbook.cells import Cells
from actions.workbook.labels import label
from actions.workbook.sheets import CellLines

from .models import Attendance, Contribution, Meeting, NextStep


class MeetingsSheet:
    """The roadmap's meetings: who came (organisations), what was decided, what next."""

    def title(self) -> str:
        return label("sheet_meetings")

    def write(self, cells: Cells, roadmap: Roadmap, actions: QuerySet) -> None:
        write_meetings(cells, roadmap)


def write_meetings(cells: Cells, roadmap: Roadmap) -> None:
    ws = cells.ws
    keys = (
        "date",
        "number",
        "meeting",
        "format",
        "organisations_present",
        "decisions",
        "next_steps",
        "summary",
    )
    cells.set_widths((12, 6, 30, 12, 36, 50, 50, 50))
    ws.freeze_panes = "A2"
    cells.append([cells.header(label(key)) for key in keys])

    present: dict[int, set[str]] = defaultdict(set)
    attended = Attendance.objects.filter(
        meeting__roadmap=roadmap, attended=True, person__organisation__isnull=False
    ).values_list("meeting_id", "person__organisation__name")
    for meeting_id, name in attended:
        present[meeting_id].add(name)

    decisions: dict[int, CellLines] = defaultdict(CellLines)
    decided = (
        Contribution.objects.filter(meeting__roadmap=roadmap)
        .exclude(outcome__in=(Contribution.Outcome.OPEN, Contribution.Outcome.NOTED))
        .order_by("meeting_id", "position", "pk")
    )
    outcomes = dict(Contribution.Outcome.choices)
    for meeting_id, outcome, text, organisation in decided.values_list(
        "meeting_id", "outcome", "text", "organisation__name"
    ):
        by = f" ({organisation})" if organisation else ""
        decisions[meeting_id].add(f"{outcomes.get(outcome, outcome)}: {text}{by}")

    next_steps: dict[int, CellLines] = defaultdict(CellLines)
    steps = NextStep.objects.filter(meeting__roadmap=roadmap).order_by(
        "meeting_id", "position", "pk"
    )
    for meeting_id, description, organisation, due, done in steps.values_list(
        "meeting_id", "description", "responsible_organisation__name", "due_date", "done"
    ):
        parts = [description]
        if organisation:
            parts.append(organisation)
        if due:
            parts.append(due.strftime("%d.%m.%Y"))
        line = " — ".join(parts)
        next_steps[meeting_id].add(f"✓ {line}" if done else line)

    formats = dict(Meeting.Format.choices)
    meetings = Meeting.objects.filter(roadmap=roadmap).order_by("start", "number")
    for pk, start, number, title, format_, summary in meetings.values_list(
        "pk", "start", "number", "title", "format", "summary"
    ):
        cells.append(
            [
                cells.value(timezone.localtime(start).date()),
                cells.value(number),
                cells.text(title),
                cells.text(str(formats.get(format_, format_))),
                cells.text("\n".join(sorted(present[pk]))),
                cells.text(decisions[pk].text() if pk in decisions else ""),
                cells.text(next_steps[pk].text() if pk in next_steps else ""),
                cells.text(summary),
            ]
        )


# The one instance the app registers (apps.py), so that registering twice adds it once.
MEETINGS_SHEET = MeetingsSheet()
