"""The roadmap workbook export: sheets, columns, cell types, safety, filter,
language, permissions and query budget."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actions.models import Action, Roadmap
from actions.workbook.cells import (
    CUT_MARK,
    DATE_FORMAT,
    DATETIME_FORMAT,
    MAX_CELL_TEXT,
    MONTH,
    PERCENT,
    TEXT_OVERDUE,
    VALUE_OVERDUE,
    Cells,
    add_styles,
)
from actions.workbook.export import COLUMN_KEYS
from meetings.models import Attendance, Contribution, NextStep
from tests import factories

INJECTIONS = ["=1+1", "==2", "+41 22", "-3", "@SUM(A1)", "\tTab", "\rReturn", "#N/A"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_url(roadmap, **query) -> str:
    url = reverse("actions:export", args=[roadmap.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def download(client, roadmap, **query) -> bytes:
    response = client.get(export_url(roadmap, **query))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def sheet_xml(content: bytes, index: int) -> str:
    """The XML of the index-th sheet (1 = Overview, 2 = Action Table...)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def all_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


def table_rows(content: bytes, sheet: int = 1) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[sheet].iter_rows(values_only=True))


def make_table(roadmap, city) -> dict:
    """Two challenges, three rows (one overdue, one unassigned), partners and indicators."""
    economic = factories.challenge(roadmap, title="Local economy", strand="economic")
    social = factories.challenge(roadmap, title="Inclusion", strand="social")
    ngo = factories.organisation(city, "Green NGO", kind="ngo")
    company = factories.organisation(city, "Acme, Ltd.")
    school = factories.action(
        roadmap,
        challenge=social,
        title="School programme",
        activity_type="training",
        expected_results="Pupils learn\r\nabout CSR",
        resources="Two trainers",
        lead_partner=ngo,
        key_partners=[company],
        start_date=datetime.date(2021, 3, 1),
        deadline=timezone.localdate() - datetime.timedelta(days=3),
        status="in_progress",
        progress=40,
        budget=Decimal("1500.50"),
        currency="BGN",
        people_days=Decimal("12.5"),
    )
    factories.indicator(school, name="Schools", unit="schools", baseline=0, target=12, current=3)
    awards = factories.action(
        roadmap,
        challenge=economic,
        title="CSR awards",
        status="done",
        lead_partner=company,
        deadline=datetime.date(2021, 6, 30),
    )
    loose = factories.action(roadmap, title="Urban greening", description="Trees")
    return {"school": school, "awards": awards, "loose": loose, "ngo": ngo, "company": company}


@pytest.fixture
def table(sofia_roadmap, sofia):
    return make_table(sofia_roadmap, sofia)


def test_workbook_has_eight_sheets_in_order_and_a_hidden_list_sheet(
    client, editor, table, sofia_roadmap
):
    client.force_login(editor)
    response = client.get(export_url(sofia_roadmap))
    assert response["Content-Type"] == XLSX
    today = timezone.localdate().isoformat()
    assert f'filename="roadmap-sofia-{today}.xlsx"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [
        "Overview",
        "Action Table",
        "Timeline",
        "Indicators",
        "Partners",
        "Funding",
        "Pledges",
        "Meetings",
        "Lists",
    ]
    assert [sheet.sheet_state for sheet in workbook.worksheets][-1] == "hidden"


def test_action_table_columns_values_and_grouping(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    header, *rows = table_rows(download(client, sofia_roadmap))
    assert header == (
        "Action",
        "Type of activity",
        "Expected results",
        "Necessary resources",
        "Lead partner",
        "Key partners",
        "Deadline",
        "Status",
        "Progress (%)",
        "Indicators (baseline → target)",
        "Start",
        "Challenge",
        "Description",
        "Estimated budget",
        "Currency",
        "People-days",
        "In-kind contributions",
        "ID",
        "Version",
    )
    # Grouped by challenge in the roadmap's order; the unassigned row last.
    assert [row[0] for row in rows] == ["CSR awards", "School programme", "Urban greening"]
    school = dict(zip(COLUMN_KEYS, rows[1], strict=True))
    assert school["activity_type"] == "training and capacity building"
    assert school["expected_results"] == "Pupils learn\nabout CSR"
    assert school["lead_partner"] == "Green NGO"
    assert school["key_partners"] == "Acme, Ltd."
    assert school["status"] == "in progress"
    assert school["progress"] == 40
    assert school["indicators"] == "Schools: 0 → 12 schools"
    assert school["challenge"] == "Inclusion"
    assert school["budget"] == 1500.5
    assert school["currency"] == "BGN"
    assert school["people_days"] == 12.5
    assert school["id"] == table["school"].pk
    assert school["version"] == 1


def test_action_table_layout_frozen_filtered_wrapped_with_dropdowns(
    client, editor, table, sofia_roadmap
):
    client.force_login(editor)
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, sofia_roadmap)))
    sheet = workbook["Action Table"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:S4"
    assert sheet.column_dimensions["C"].width == 40
    assert sheet["C3"].alignment.wrap_text
    formulas = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert formulas["Lists!$A$1:$A$6"] == "H2:H1048576"
    lists = workbook["Lists"]
    assert [lists.cell(row, 1).value for row in range(1, 7)] == [
        str(label) for _value, label in Action.Status.choices
    ]


def test_dates_are_date_cells_shown_as_dd_mm_yyyy(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, sofia_roadmap)))["Action Table"]
    deadline, start = sheet["G3"], sheet["K3"]
    assert deadline.is_date and start.is_date
    assert deadline.number_format == start.number_format == "dd.mm.yyyy"
    assert start.value == datetime.datetime(2021, 3, 1)


def test_overdue_rows_are_highlighted(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, sofia_roadmap)))["Action Table"]
    overdue, done = sheet["A3"], sheet["A2"]  # School programme is late; CSR awards is done
    assert overdue.fill.fgColor.rgb.endswith("F8D7DA")
    assert done.fill.fill_type is None


def test_overview_counts_share_and_chart(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    content = download(client, sofia_roadmap)
    rows = {}
    for row in table_rows(content, sheet=0):
        # The first of each name: the counts come before the resources' totals.
        if row and row[0]:
            rows.setdefault(row[0], row[1])
    assert rows["Roadmap"] == "Sofia CSR roadmap"
    assert rows["City"] == "Sofia"
    assert rows["Period"] == "01.01.2021 – 31.12.2023"
    assert isinstance(rows["Generated at"], datetime.datetime)
    # The local time of the app (Europe/Sofia), not UTC.
    local_now = timezone.localtime().replace(tzinfo=None)
    assert abs(rows["Generated at"] - local_now) < datetime.timedelta(minutes=5)
    assert rows["Roadmap status"] == "draft"
    assert rows["Actions"] == 3
    assert rows["Tangible and measurable"] == 1
    assert rows["in progress"] == rows["done"] == rows["proposed"] == 1
    assert rows["Inclusion"] == rows["Local economy"] == 1
    assert rows["Not assigned to a challenge"] == 1
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "barChart" in chart
    assert "Overview" in chart  # its data are the status counts on the Overview


def test_timeline_indicators_partners_and_meetings_sheets(
    client, editor, table, sofia_roadmap, sofia
):
    person = factories.person(table["ngo"], name="Maria Petrova", email="maria@ngo.example")
    meeting = factories.meeting(
        sofia_roadmap, title="Working group", start=timezone.now(), format="hybrid"
    )
    Attendance.objects.create(meeting=meeting, person=person, attended=True)
    Contribution.objects.create(
        meeting=meeting, text="Add a school programme", outcome="accepted", author=person
    )
    NextStep.objects.create(
        meeting=meeting,
        description="Send the draft",
        responsible_organisation=table["ngo"],
        responsible_person=person,
        due_date=datetime.date(2030, 1, 15),
    )
    client.force_login(editor)
    content = download(client, sofia_roadmap)
    workbook = openpyxl.load_workbook(io.BytesIO(content))

    # Two rows of legend, then the header (TIMELINE_HEADER_ROW) and the actions.
    timeline = list(workbook["Timeline"].iter_rows(values_only=True))
    assert timeline[2][:3] == ("Action", "Start", "Deadline")
    assert timeline[2][3] == datetime.datetime(2021, 3, 1)  # the earliest month
    # The school programme's row: its dates, then the month grid its bar colours
    # (conditional formatting, test_workbook_layout; drawn: test_workbook_in_libreoffice).
    school_row = timeline[4]
    deadline = timezone.localdate() - datetime.timedelta(days=3)
    assert school_row[:3] == (
        "School programme",
        datetime.datetime(2021, 3, 1),
        datetime.datetime(deadline.year, deadline.month, deadline.day),
    )
    months = [value for value in timeline[2][3:] if value is not None]
    assert months[0] == datetime.datetime(2021, 3, 1)  # the bar's first month is the first
    assert school_row[3 : 3 + len(months)] == (None,) * len(months)
    assert school_row[3 + len(months)] == "overdue"

    indicators = list(workbook["Indicators"].iter_rows(values_only=True))
    assert indicators[0][-3:] == ("Source", "ID", "Version")
    school_indicator = table["school"].indicators.get()
    assert indicators[1] == (
        "School programme",
        table["school"].pk,
        "Schools",
        "schools",
        0,
        12,
        3,
        None,
        school_indicator.pk,
        table["school"].version,
    )

    partners = {row[0]: row for row in workbook["Partners"].iter_rows(values_only=True)}
    assert partners["Green NGO"][4] == "School programme"
    assert partners["Acme, Ltd."][4] == "CSR awards"
    assert partners["Acme, Ltd."][5] == "School programme"

    header, meeting_row = list(workbook["Meetings"].iter_rows(values_only=True))
    assert header[:5] == ("Date", "No.", "Meeting", "Format", "Organisations present")
    assert meeting_row[3] == "hybrid"
    assert meeting_row[4] == "Green NGO"
    assert "accepted: Add a school programme" in meeting_row[5]
    assert meeting_row[6] == "Send the draft — Green NGO — 15.01.2030"
    # Organisations only: no person's name, email or phone anywhere in the file.
    text = all_xml(content)
    for personal in ("Maria Petrova", "maria@ngo.example", person.phone):
        assert personal not in text


def test_indicators_are_written_as_the_page_writes_them(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, title="Trees")
    factories.indicator(action, name="Trees", unit="trees", baseline=Decimal("2.50"), target=None)
    factories.indicator(action, name="Shade", unit="", baseline=Decimal("1000"), target=10)
    client.force_login(editor)
    for language, expected in (
        ("en", "Trees: 2.5 → ? trees\nShade: 1,000 → 10"),
        ("bg", "Trees: 2,5 → ? trees\nShade: 1\xa0000 → 10"),
    ):
        _header, row = table_rows(download(client, sofia_roadmap, lang=language))
        assert row[COLUMN_KEYS.index("indicators")] == expected
        with translation.override(language):
            assert expected == "\n".join(indicator.text() for indicator in action.indicators.all())


def test_export_keeps_formulas_as_text(client, editor, sofia_roadmap):
    for index, text in enumerate(INJECTIONS):
        factories.action(sofia_roadmap, title=text, expected_results=text, in_kind=f"x{index}")
    client.force_login(editor)
    content = download(client, sofia_roadmap)
    for index in range(1, 7):
        assert "<f>" not in sheet_xml(content, index) and "<f " not in sheet_xml(content, index)
    table_xml = sheet_xml(content, 2)
    assert 't="e"' not in table_xml
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Action Table"]
    titles = [sheet.cell(row, 1) for row in range(2, 2 + len(INJECTIONS))]
    # A CR alone is a line break, written as LF (LibreOffice saves it so).
    assert [cell.value for cell in titles] == [text.replace("\r", "\n") for text in INJECTIONS]
    assert all(cell.data_type == "s" for cell in titles)
    assert all(cell.quotePrefix for cell in titles if cell.value[0] in "=+-@\t")


def test_forbidden_characters_removed_and_long_text_cut(client, editor, sofia_roadmap):
    factories.action(
        sofia_roadmap, title="Bell\x07 and \x1bescape", description="x" * (MAX_CELL_TEXT + 10)
    )
    client.force_login(editor)
    _header, row = table_rows(download(client, sofia_roadmap))
    values = dict(zip(COLUMN_KEYS, row, strict=True))
    assert values["title"] == "Bell and escape"
    assert len(values["description"]) == MAX_CELL_TEXT
    assert values["description"].endswith(CUT_MARK)


def test_export_honours_the_table_filter(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    content = download(client, sofia_roadmap, status="done")
    _header, *rows = table_rows(content)
    assert [row[0] for row in rows] == ["CSR awards"]
    overview = {row[0]: row[1] for row in table_rows(content, sheet=0) if row and row[0]}
    assert overview["Filter"] == "Status: done"
    assert overview["Actions"] == 1
    _header, *rows = table_rows(download(client, sofia_roadmap, q="greening"))
    assert [row[0] for row in rows] == ["Urban greening"]


def test_table_page_links_the_export_with_its_filter(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    html = client.get(reverse("actions:roadmap", args=[sofia_roadmap.pk]) + "?status=done")
    assert export_url(sofia_roadmap, status="done") in html.content.decode()


def test_language_chosen_by_query_or_else_the_users(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    bulgarian = openpyxl.load_workbook(io.BytesIO(download(client, sofia_roadmap, lang="bg")))
    assert bulgarian.sheetnames[:2] == ["Обобщение", "Таблица за действия"]
    header = next(bulgarian["Таблица за действия"].iter_rows(values_only=True))
    assert header[:2] == ("Действие", "Вид дейност")
    response = client.get(export_url(sofia_roadmap), HTTP_ACCEPT_LANGUAGE="bg")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "Обобщение"
    english = openpyxl.load_workbook(
        io.BytesIO(download(client, sofia_roadmap, lang="en")), read_only=True
    )
    assert english.sheetnames[0] == "Overview"


def test_file_name_of_a_cyrillic_city_is_encoded(client, network_admin):
    roadmap = factories.roadmap(factories.city("Плевен"))
    client.force_login(network_admin)
    response = client.get(export_url(roadmap))
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''roadmap-%D0%BF%D0%BB%D0%B5%D0%B2%D0%B5%D0%BD-" in disposition


@pytest.mark.parametrize(
    ("role", "visibility", "expected"),
    [
        ("anonymous", "private", 302),
        ("anonymous", "public", 200),
        ("partner", "partners", 200),
        ("partner", "private", 404),
        ("editor", "private", 200),
        ("other_editor", "private", 404),
        ("other_editor", "public", 200),
        ("moderator", "private", 200),
        ("network_admin", "private", 200),
    ],
)
def test_export_permission_for_each_role(
    request, client, sofia_roadmap, role, visibility, expected
):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(visibility=visibility)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(export_url(sofia_roadmap))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))
    assert client.post(export_url(sofia_roadmap)).status_code in (302, 404, 405)


def test_export_query_count_does_not_grow_with_rows(client, editor, sofia_roadmap, sofia):
    partner = factories.organisation(sofia, "Partner")
    client.force_login(editor)

    def queries_for(rows: int) -> int:
        for _ in range(rows):
            action = factories.action(sofia_roadmap, lead_partner=partner)
            action.key_partners.set([factories.organisation(sofia, member=False)])
            factories.indicator(action)
        with CaptureQueriesContext(connection) as queries:
            download(client, sofia_roadmap)
        return len(queries)

    # session and user, access (groups, cities, person); roadmap; challenges;
    # actions, their key partners, their indicators; timeline bounds and rows;
    # indicators; partners (leads, key partners, organisations); meetings
    # (attendance, decisions, next steps, meetings); the Overview's resources
    # (funding, pledges per kind), the Partners' sums (pledged, delivered),
    # the Funding and Pledges sheets.
    small = queries_for(2)
    assert queries_for(20) == small
    assert small <= 28


# Text as users type it: spaces around, markup characters, CR, Cyrillic, an emoji,
# formula-like text, an error value, and nothing at all.
ODD_TEXTS = [
    " padded ",
    "a & b < c > d",
    "one\rtwo\nthree\ttab",
    "Действие 🚲",
    "=1+1",
    "-3",
    "#N/A",
    "",
]


def _saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_cells_keep_typed_text_as_text_and_values_as_values():
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet("Sheet")
    cells = Cells(ws, add_styles(workbook))
    ws.append([cells.header("Action"), cells.header("No.")])
    for text in ODD_TEXTS:
        ws.append([cells.text(text), cells.text(text, TEXT_OVERDUE)])
    today = datetime.date(2024, 6, 15)
    ws.append(
        [
            cells.value(42),
            cells.value(Decimal("1500.50")),
            cells.value(0.25, PERCENT),
            cells.value(today),
            cells.value(datetime.datetime(2024, 6, 15, 10, 30)),
            cells.value(today, MONTH),
            cells.value(None, VALUE_OVERDUE),
            cells.value(today, VALUE_OVERDUE),
        ]
    )
    content = _saved(workbook)
    assert "<f>" not in sheet_xml(content, 1) and 't="e"' not in sheet_xml(content, 1)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Sheet"]

    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("D9E2D0")
    for row, text in enumerate(ODD_TEXTS, start=2):
        plain, overdue = sheet.cell(row, 1), sheet.cell(row, 2)
        assert plain.value == overdue.value == (text.replace("\r", "\n") or None)
        if text:
            assert plain.data_type == "s"
            assert plain.quotePrefix == text.startswith(("=", "-"))
        assert plain.alignment.wrap_text and plain.alignment.vertical == "top"
        assert plain.fill.fill_type is None
        assert overdue.fill.fgColor.rgb.endswith("F8D7DA")
    assert sheet["A2"].value == " padded "
    assert sheet["A4"].value == "one\ntwo\nthree\ttab"

    values = sheet[2 + len(ODD_TEXTS)]
    assert [cell.value for cell in values[:3]] == [42, 1500.5, 0.25]
    assert values[2].number_format == "0%"
    assert values[3].is_date and values[3].number_format == DATE_FORMAT
    assert values[4].value == datetime.datetime(2024, 6, 15, 10, 30)
    assert values[4].number_format == DATETIME_FORMAT
    assert values[5].number_format == "mm.yyyy"
    assert values[6].value is None and values[6].fill.fgColor.rgb.endswith("F8D7DA")
    assert values[7].number_format == DATE_FORMAT
    assert values[7].fill.fgColor.rgb.endswith("F8D7DA")
    assert all(cell.alignment.vertical == "top" for cell in values)


def test_cells_refuse_what_is_neither_text_nor_a_value():
    workbook = openpyxl.Workbook(write_only=True)
    cells = Cells(workbook.create_sheet("Sheet"), add_styles(workbook))
    with pytest.raises(TypeError):
        cells.value("text")
    with pytest.raises(TypeError):
        cells.value(timezone.now())


def test_text_that_xml_cannot_hold_is_dropped_not_written(client, editor, sofia_roadmap):
    factories.action(sofia_roadmap, title="Not\ufffe a\uffff character")
    client.force_login(editor)
    _header, row = table_rows(download(client, sofia_roadmap))
    assert row[0] == "Not a character"
