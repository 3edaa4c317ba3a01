"""The workbook as it shows on screen and on paper: fonts, row heights, page setup,
the Timeline's header and legend, and text written as UTF-8 (issue 12)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from openpyxl import xml as openpyxl_xml
from openpyxl.utils import get_column_letter

from actions.checks import check_workbook_text_is_utf8
from actions.models import Roadmap
from actions.workbook.cells import (
    FONT_NAME,
    FONT_SIZE,
    LINE_POINTS,
    MAX_ROW_POINTS,
    SPAN,
    Cells,
    add_styles,
    clean_text,
)
from actions.workbook.export import COLUMN_KEYS, COLUMNS
from actions.workbook.printing import header_text
from actions.workbook.sheets import MONTH_WIDTH
from tests import factories
from tests.actions.test_workbook_export import download, make_table, sheet_xml

PRINTED = [
    "Overview",
    "Action Table",
    "Timeline",
    "Indicators",
    "Partners",
    "Funding",
    "Pledges",
    "Meetings",
]


@pytest.fixture
def table(sofia_roadmap, sofia):
    return make_table(sofia_roadmap, sofia)


def _workbook(client, user, roadmap, **query) -> openpyxl.Workbook:
    client.force_login(user)
    return openpyxl.load_workbook(io.BytesIO(download(client, roadmap, **query)))


def test_every_cell_written_names_its_font(client, editor, table, sofia_roadmap):
    workbook = _workbook(client, editor, sofia_roadmap)
    seen = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                assert (cell.font.name, cell.font.sz) == (FONT_NAME, FONT_SIZE), cell.coordinate
                seen += 1
    assert seen > 100
    header = workbook["Action Table"]["A1"]
    assert header.font.b and header.font.name == FONT_NAME


def test_rows_are_as_high_as_their_wrapped_text(client, editor, sofia_roadmap):
    width = dict(COLUMNS)["expected_results"]
    factories.action(sofia_roadmap, title="One line", expected_results="Short")
    factories.action(sofia_roadmap, title="Three lines", expected_results="a\nb\rc")
    factories.action(
        sofia_roadmap, title="Wrapped", expected_results="word " * (width * 4 // 5)
    )  # four widths of text in one paragraph: at least four lines
    factories.action(sofia_roadmap, title="Huge", description="line\n" * 1000)
    sheet = _workbook(client, editor, sofia_roadmap)["Action Table"]
    heights = {
        sheet.cell(row, 1).value: sheet.row_dimensions[row].height
        for row in range(2, sheet.max_row + 1)
    }
    assert heights["One line"] is None  # the default height
    assert heights["Three lines"] >= 3 * LINE_POINTS
    assert heights["Wrapped"] >= 4 * LINE_POINTS
    assert heights["Huge"] == MAX_ROW_POINTS
    # The header's longest label wraps in its narrow column.
    assert sheet.row_dimensions[1].height >= 2 * LINE_POINTS


def test_lines_count_breaks_and_wrap_at_the_column_width():
    workbook = openpyxl.Workbook(write_only=True)
    cells = Cells(workbook.create_sheet("Sheet"), add_styles(workbook))
    cells.set_widths((10, 20))
    assert cells.lines([cells.text("short"), cells.text("x" * 20)]) == 1
    assert cells.lines([cells.text("x" * 11), None]) == 2
    assert cells.lines([cells.text("a\n\nb"), cells.text("y" * 41)]) == 3
    assert cells.lines([cells.value(10**12), cells.value(datetime.date(2024, 1, 1))]) == 1
    # Rows are streamed: no row's dimension is kept once the row is written.
    cells.append([cells.text("a\nb\nc")])
    cells.append([cells.text("one")])
    assert len(cells.ws.row_dimensions) == 0
    assert cells.rows == 2
    workbook.save(io.BytesIO())  # a write-only sheet left open would be closed by the GC


def test_a_lone_cr_is_written_as_a_line_break():
    assert clean_text("a\rb\r\nc\nd") == "a\nb\nc\nd"


def test_every_printed_sheet_is_a4_landscape_one_page_wide_with_titles(
    client, editor, table, sofia_roadmap
):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(title="Parks & schools")
    workbook = _workbook(client, editor, sofia_roadmap)
    today = timezone.localdate().strftime("%d.%m.%Y")
    for name in PRINTED:
        sheet = workbook[name]
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), name  # 9: A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.print_options.gridLines, name
        assert sheet.oddHeader.left.text == "Parks && schools", name
        assert sheet.oddHeader.center.text == "&A", name
        assert sheet.oddHeader.right.text == today, name
        assert sheet.oddFooter.center.text == "Page &P of &N", name
        assert sheet.oddHeader.left.font == f"{FONT_NAME},Regular", name
    for name, rows in (("Indicators", "$1:$1"), ("Partners", "$1:$1"), ("Meetings", "$1:$1")):
        assert workbook[name].print_title_rows == rows, name
    assert workbook["Overview"].print_title_rows is None
    table_sheet = workbook["Action Table"]
    assert table_sheet.print_title_rows == "$1:$1"
    assert table_sheet.print_title_cols == "$A:$A"
    last = openpyxl.utils.get_column_letter(COLUMN_KEYS.index("start_date") + 1)
    assert table_sheet.print_area == f"'Action Table'!$A$1:${last}$1048576"
    timeline = workbook["Timeline"]
    assert timeline.print_title_rows == "$1:$3"  # the legend and the month header
    assert timeline.print_title_cols == "$A:$A"  # the action names on every page


def test_page_footer_in_bulgarian_and_long_titles_cut(client, editor, table, sofia_roadmap):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(title="Пътна карта " * 15)
    sheet = _workbook(client, editor, sofia_roadmap, lang="bg")["Таблица за действия"]
    assert len(sheet.oddHeader.left.text) <= 100
    assert sheet.oddHeader.left.text.endswith("…")
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert header_text("A & B") == "A && B"


@pytest.fixture
def timeline_table(table, sofia_roadmap):
    """The table's actions, one done and one running past today (so that the Timeline's
    grid holds the current month)."""
    factories.action(
        sofia_roadmap,
        title="Finished",
        status="done",
        start_date=datetime.date(2021, 4, 1),
        deadline=datetime.date(2021, 5, 31),
    )
    factories.action(
        sofia_roadmap, title="Running", deadline=timezone.localdate() + datetime.timedelta(days=62)
    )
    return table


def test_timeline_month_header_is_a_header_with_the_current_month_and_a_legend(
    client, editor, timeline_table, sofia_roadmap
):
    sheet = _workbook(client, editor, sofia_roadmap)["Timeline"]
    legend = [(cell.value, cell.fill.fgColor.rgb[-6:]) for cell in sheet[1] if cell.value]
    assert legend == [
        ("planned or in progress", "8FBC8F"),
        ("overdue", "E06666"),
        ("done", "BFBFBF"),
    ]
    assert sheet["A2"].value == "the current month"
    now_fill = sheet["A2"].fill.fgColor.rgb[-6:]
    header = sheet[3]
    # The month columns: the grid's, not the hidden column after it (timeline_bars).
    months = [cell for cell in header[3:] if not _hidden(sheet, cell.column)]
    assert all(cell.font.b and cell.is_date for cell in months)
    assert all(cell.alignment.text_rotation == 90 for cell in months)
    assert sheet.row_dimensions[3].height >= 40
    today = timezone.localdate()
    current = [cell for cell in months if cell.fill.fgColor.rgb[-6:] == now_fill]
    assert [cell.value for cell in current] == [datetime.datetime(today.year, today.month, 1)]
    others = {cell.fill.fgColor.rgb[-6:] for cell in months} - {now_fill}
    assert others == {"D9E2D0"}  # the header's colour
    assert sheet.column_dimensions["D"].width == MONTH_WIDTH
    assert sheet.freeze_panes == "D4"


def _hidden(sheet, column: int) -> bool:
    return sheet.column_dimensions[get_column_letter(column)].hidden


def test_timeline_bars_are_conditional_formatting_over_an_empty_month_grid(
    client, editor, timeline_table, sofia_roadmap
):
    factories.action(sofia_roadmap, title="Undated", start_date=None, deadline=None)
    sheet = _workbook(client, editor, sofia_roadmap)["Timeline"]
    months = [cell for cell in sheet[3][3:] if cell.is_date]
    last = get_column_letter(3 + len(months))
    kind = get_column_letter(4 + len(months))
    # One column after the grid, hidden (it prints nothing), holds what colours a bar.
    assert [column for column in range(1, sheet.max_column + 1) if _hidden(sheet, column)] == [
        4 + len(months)
    ]
    assert (sheet["B1"].value, sheet["C1"].value) == ("overdue", "done")  # the legend
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert rows["Finished"][3 + len(months)].value == "done"
    assert rows["School programme"][3 + len(months)].value == "overdue"
    assert rows["Running"][1].value is None and rows["Running"][2].is_date
    assert len(rows["Running"]) <= 3 or rows["Running"][3 + len(months)].value is None
    assert len(rows["Undated"]) <= 3 or rows["Undated"][3 + len(months)].value is None
    # The month grid stays empty: no cell per month, nothing styled.
    for row in rows.values():
        assert all(cell.value is None and not cell.has_style for cell in row[3 : 3 + len(months)])

    [formatting] = list(sheet.conditional_formatting)
    assert str(formatting.sqref) == f"D4:{last}{sheet.max_row}"
    span = "D$3>=DATE(YEAR(MIN($B4:$C4)),MONTH(MIN($B4:$C4)),1),D$3<=MAX($B4:$C4)"
    rules = sorted(formatting.rules, key=lambda rule: rule.priority)
    assert [(rule.type, rule.formula, rule.stopIfTrue) for rule in rules] == [
        ("expression", [f"AND(${kind}4=$B$1,{span})"], True),
        ("expression", [f"AND(${kind}4=$C$1,{span})"], True),
        ("expression", [f"AND({span})"], True),
    ]
    # Each rule's fill is the legend's colour, as Excel (background) and LibreOffice
    # (foreground) read a conditional solid fill.
    fills = [rule.dxf.fill for rule in rules]
    assert [fill.fill_type for fill in fills] == ["solid"] * 3
    assert [fill.bgColor.rgb[-6:] for fill in fills] == ["E06666", "BFBFBF", "8FBC8F"]
    assert [fill.fgColor.rgb[-6:] for fill in fills] == ["E06666", "BFBFBF", "8FBC8F"]
    legend = [sheet["B1"], sheet["C1"], sheet["A1"]]
    assert [cell.fill.fgColor.rgb[-6:] for cell in legend] == ["E06666", "BFBFBF", "8FBC8F"]


def test_text_is_written_as_utf8_not_character_references(client, editor, sofia_roadmap):
    factories.action(sofia_roadmap, title="Зелени покриви", description="Дървета 🌳")
    client.force_login(editor)
    content = download(client, sofia_roadmap, lang="bg")
    table_xml = sheet_xml(content, 2)
    assert "Зелени покриви" in table_xml and "Дървета 🌳" in table_xml
    assert "&#" not in table_xml
    assert check_workbook_text_is_utf8(None) == []


def test_check_warns_when_openpyxl_writes_through_lxml(monkeypatch):
    monkeypatch.setattr(openpyxl_xml, "LXML", True)
    [warning] = check_workbook_text_is_utf8(None)
    assert warning.id == "actions.W001"


def test_empty_plain_cells_are_not_written_and_their_columns_keep_the_text_style(
    client, editor, sofia_roadmap
):
    today = timezone.localdate()
    factories.action(sofia_roadmap, title="Plain", description="", deadline=None)
    factories.action(
        sofia_roadmap,
        title="Late",
        description="",
        deadline=today - datetime.timedelta(days=3),
    )
    workbook = _workbook(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    description = COLUMN_KEYS.index("description")
    # An empty cell that draws nothing is left out; an overdue row keeps its fill.
    assert not rows["Plain"][description].has_style
    assert rows["Late"][description].fill.fgColor.rgb.endswith("F8D7DA")
    # What a partner types into the empty cell takes its column's style.
    column = sheet.column_dimensions[get_column_letter(description + 1)]
    assert (column.font.name, column.font.sz) == (FONT_NAME, FONT_SIZE)
    assert column.alignment.wrap_text and column.alignment.vertical == "top"


def test_an_empty_cell_is_one_shared_cell_per_style_and_each_is_written():
    workbook = openpyxl.Workbook(write_only=True)
    cells = Cells(workbook.create_sheet("Sheet"), add_styles(workbook))
    assert cells.styled(SPAN) is cells.styled(SPAN)
    cells.append([cells.text("a"), *(cells.styled(SPAN) for _month in range(3))])
    out = io.BytesIO()
    workbook.save(out)
    row = next(openpyxl.load_workbook(out)["Sheet"].iter_rows())
    assert [cell.fill.fgColor.rgb[-6:] for cell in row[1:]] == ["8FBC8F"] * 3
