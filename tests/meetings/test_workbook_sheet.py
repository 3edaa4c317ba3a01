"""The Meetings sheet of the roadmap's workbook comes from the meetings app: the
actions app's export takes it as an extra sheet and never imports meetings."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import openpyxl

from actions.workbook.cells import FONT_NAME, LINE_POINTS, TEXT
from actions.workbook.export import export_queryset, registered_sheets, write_workbook
from meetings.workbook import MEETINGS_SHEET

BASE_DIR = Path(__file__).resolve().parents[2]


def _sheetnames(roadmap, **kwargs) -> list[str]:
    out = io.BytesIO()
    write_workbook(roadmap, export_queryset(roadmap.actions.all()), out, **kwargs)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())).sheetnames


def test_meetings_app_adds_its_sheet_to_the_workbook(held_meeting, sofia_roadmap):
    assert registered_sheets() == [MEETINGS_SHEET]
    assert _sheetnames(sofia_roadmap)[-2:] == ["Pledges", "Lists"]
    names = _sheetnames(sofia_roadmap, extra_sheets=registered_sheets())
    assert names[-3:] == ["Pledges", "Meetings", "Lists"]


def test_meetings_sheet_shows_the_meeting(held_meeting, sofia_roadmap):
    out = io.BytesIO()
    write_workbook(
        sofia_roadmap,
        export_queryset(sofia_roadmap.actions.all()),
        out,
        extra_sheets=[MEETINGS_SHEET],
    )
    header, *rows = openpyxl.load_workbook(out)["Meetings"].iter_rows(values_only=True)
    assert header == (
        "Date",
        "No.",
        "Meeting",
        "Format",
        "Organisations present",
        "Decisions",
        "Next steps",
        "Summary",
    )
    assert [row[2] for row in rows] == ["Preparing the Action Table"]


def test_meetings_sheet_is_set_up_for_screen_and_paper(held_meeting, sofia_roadmap):
    meeting = held_meeting["meeting"]
    meeting.summary = "First line\nSecond line\nThird line"
    meeting.save()
    out = io.BytesIO()
    write_workbook(
        sofia_roadmap,
        export_queryset(sofia_roadmap.actions.all()),
        out,
        extra_sheets=[MEETINGS_SHEET],
    )
    sheet = openpyxl.load_workbook(out)["Meetings"]
    assert sheet["A1"].font.name == FONT_NAME and sheet["A1"].font.b
    assert sheet["C2"].style == TEXT
    assert sheet.row_dimensions[2].height >= 3 * LINE_POINTS
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"


def test_actions_app_imports_nothing_of_meetings():
    for path in sorted((BASE_DIR / "actions").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "meetings" for name in names), path
