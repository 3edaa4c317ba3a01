"""Importing the Action Table sheet back: preview (new / changed / unchanged /
conflict / error), apply all or nothing through the services, round trips,
and who may import."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from actions import services
from actions.models import Action, Roadmap
from actions.workbook.import_ import preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.preview import CHANGED, CONFLICT, ERROR, NEW, UNCHANGED, ImportFailed
from tests import factories
from tests.actions.test_workbook_export import INJECTIONS, download, make_table

HistoricalAction = Action.history.model


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def table(sofia_roadmap, sofia):
    rows = make_table(sofia_roadmap, sofia)
    for text in INJECTIONS:
        factories.action(sofia_roadmap, title=f"t{text}", expected_results=text, resources=text)
    return rows


def exported(client, user, roadmap, **query) -> openpyxl.Workbook:
    client.force_login(user)
    return openpyxl.load_workbook(io.BytesIO(download(client, roadmap, **query)))


def as_file(workbook: openpyxl.Workbook) -> io.BytesIO:
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def row_of(sheet, action) -> int:
    for cell in sheet["R"]:
        if cell.value == action.pk:
            return cell.row
    raise AssertionError(action)


def test_reimport_of_an_unchanged_export_is_zero_changes(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert {row.kind for row in preview.rows} == {UNCHANGED}
    assert len(preview.rows) == sofia_roadmap.actions.count()
    assert preview.change_count == 0 and not preview.can_apply


def test_a_partner_whose_name_holds_a_semicolon_comes_back_whole(
    client, editor, sofia_roadmap, sofia
):
    """Key partners are separated by ";", and a run of the pieces that makes a
    partner's whole name is that partner, ";" and all."""
    odd = factories.organisation(sofia, "Grow; Share Foundation", kind="ngo")
    other = factories.organisation(sofia, "Acme", kind="company")
    action = factories.action(sofia_roadmap, title="Gardens", key_partners=[odd, other])
    workbook = exported(client, editor, sofia_roadmap)
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert [row.kind for row in preview.rows] == [UNCHANGED]
    sheet = workbook.worksheets[1]
    for typed in ("Acme; Grow; Share Foundation", "Grow; Share Foundation;Acme"):
        sheet.cell(row=row_of(sheet, action), column=6).value = typed
        rows = preview_import(sofia_roadmap, as_file(workbook)).rows
        assert [row.kind for row in rows] == [UNCHANGED], typed
    sheet.cell(row=row_of(sheet, action), column=6).value = "Acme; Grow"
    typed = preview_import(sofia_roadmap, as_file(workbook))
    assert [row.kind for row in typed.rows] == [ERROR]
    assert "no organisation named “Grow”" in typed.rows[0].errors[0]
    sheet.cell(row=row_of(sheet, action), column=6).value = "Acme\nGrow; Share Foundation"
    assert [row.kind for row in preview_import(sofia_roadmap, as_file(workbook)).rows] == [
        UNCHANGED
    ]


def test_the_import_offers_the_sheets_a_spreadsheet_shows_not_the_hidden_lists(
    client, editor, table, sofia_roadmap
):
    """The export's hidden sheet of dropdown values ("Lists", its name fixed for its
    formulas) is no sheet a user chooses to import: the page's list of sheets leaves
    it out (it offered it, in English on a Bulgarian page)."""
    content = download(client_logged_in(client, editor), sofia_roadmap)
    assert "Lists" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    preview = preview_import(sofia_roadmap, io.BytesIO(content))
    assert preview.sheet == "Action Table"
    assert "Lists" not in preview.sheet_names
    assert {"Action Table", "Timeline"} <= set(preview.sheet_names)


def client_logged_in(client, user):
    client.force_login(user)
    return client


def test_bulgarian_export_round_trips(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap, lang="bg")
    assert workbook.sheetnames[1] == "Таблица за действия"
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert preview.counts[UNCHANGED] == sofia_roadmap.actions.count()


def test_three_edited_cells_are_exactly_three_changes_applied_as_the_importer(
    client, editor, table, sofia_roadmap
):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    school, awards = table["school"], table["awards"]
    sheet[f"H{row_of(sheet, school)}"] = "done"
    sheet[f"G{row_of(sheet, school)}"] = datetime.datetime(2031, 5, 20)
    sheet[f"F{row_of(sheet, awards)}"] = "Green NGO"
    preview = preview_import(sofia_roadmap, as_file(workbook))
    changed = [row for row in preview.rows if row.kind == CHANGED]
    assert [(c.label, c.old, c.new) for row in changed for c in row.changes] == [
        ("Key partners", "—", "Green NGO"),
        ("Deadline", table["school"].deadline.strftime("%d.%m.%Y"), "20.05.2031"),
        ("Status", "in progress", "done"),
    ]
    assert preview.counts[UNCHANGED] == sofia_roadmap.actions.count() - 2
    history_before = HistoricalAction.objects.count()

    assert apply_import(roadmap=sofia_roadmap, preview=preview, by=editor) == {
        "created": 0,
        "changed": 2,
        "lines": 0,
        "indicators": 0,
    }
    school.refresh_from_db()
    awards.refresh_from_db()
    assert school.status == "done" and school.deadline == datetime.date(2031, 5, 20)
    assert school.version == 2
    assert list(awards.key_partners.values_list("name", flat=True)) == ["Green NGO"]
    records = HistoricalAction.objects.order_by("-history_id")[:2]
    assert HistoricalAction.objects.count() == history_before + 2
    assert {record.history_user for record in records} == {editor}
    # Importing the same file again finds the rows moved on: conflicts, nothing else.
    again = preview_import(sofia_roadmap, as_file(workbook))
    assert again.counts[CONFLICT] == 0 and again.counts[ERROR] == 0
    assert again.change_count == 0  # the file now equals the database (older version)


def test_new_rows_are_created_at_the_end(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet.append(["Tree planting", "volunteering", "=100 trees", None, "Green NGO", "Acme, Ltd."])
    # Typed as text ('=100 trees in Excel): a formula would come back as its value.
    sheet.cell(sheet.max_row, 3).data_type = "s"
    preview = preview_import(sofia_roadmap, as_file(workbook))
    (new,) = [row for row in preview.rows if row.kind == NEW]
    assert new.data["title"] == "Tree planting"
    assert new.data["status"] == "proposed"
    apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    created = sofia_roadmap.actions.get(title="Tree planting")
    assert created.expected_results == "=100 trees"
    assert created.lead_partner == table["ngo"]
    assert created.created_by == editor
    assert created.history.get().history_user == editor


def test_errors_point_at_their_cells(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    row = row_of(sheet, table["school"])
    sheet[f"F{row}"] = "Acme"
    sheet[f"G{row}"] = "next spring"
    sheet[f"H{row}"] = "finished-ish"
    sheet[f"I{row}"] = 140
    preview = preview_import(sofia_roadmap, as_file(workbook))
    (bad,) = [r for r in preview.rows if r.kind == ERROR]
    # Each says what would be accepted.
    assert bad.errors[:3] == [
        f"F{row}: no organisation named “Acme”; separate partners with ; or a new line",
        f"G{row}: not a date; write it as dd.mm.yyyy (31.12.2030), yyyy-mm-dd or dd/mm/yyyy",
        f"H{row}: not a known Status: “finished-ish”; use one of: proposed, agreed, "
        "in progress, done, postponed, dropped",
    ]
    assert bad.errors[3].startswith(f"I{row}: ")
    assert not preview.can_apply
    with pytest.raises(ImportFailed):
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)


def test_unknown_id_and_duplicate_rows_are_errors(client, editor, table, sofia_roadmap, vratsa):
    other = factories.action(factories.roadmap(vratsa))
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"R{row_of(sheet, table['loose'])}"] = other.pk
    sheet.append([cell.value for cell in sheet[row_of(sheet, table["awards"])]])
    preview = preview_import(sofia_roadmap, as_file(workbook))
    errors = [error for row in preview.rows for error in row.errors]
    assert any(f"no action with ID {other.pk} in this roadmap" in e for e in errors)
    assert any("is in the file twice" in e for e in errors)


def test_numbers_that_are_not_plain_digits_are_cell_errors(editor, sofia_roadmap):
    """An ID of 5,000 digits is more than int() reads, and "١" is a digit only in
    Arabic: both are "not a whole number", not a crash or a misread row."""
    action = factories.action(sofia_roadmap, title="Kept", activity_type="event")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Type of activity", "ID", "Version", "Progress (%)"])
    sheet.append(["Kept", "event", "9" * 5000, 1, 10])
    sheet.append(["Kept", "event", str(action.pk), "١", "٣٠"])
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert [row.errors for row in preview.rows] == [
        ["C2: not a whole number; write digits only, e.g. 12"],
        [
            "D3: not a whole number; write digits only, e.g. 12",
            "E3: not a whole number from 0 to 100; write e.g. 85 or 85%",
        ],
    ]
    assert not preview.can_apply


def test_older_version_is_a_conflict_showing_both_values(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    school = table["school"]
    services.action_update(
        action=school, data={"progress": 60}, by=editor, expected_version=school.version
    )
    sheet = workbook["Action Table"]
    sheet[f"I{row_of(sheet, school)}"] = 50
    preview = preview_import(sofia_roadmap, as_file(workbook))
    (conflict,) = [row for row in preview.rows if row.kind == CONFLICT]
    assert conflict.version == 1 and conflict.current_version == 2
    assert [(c.label, c.old, c.new) for c in conflict.changes] == [("Progress (%)", "60", "50")]
    assert not preview.can_apply


def test_preview_writes_nothing(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"A{row_of(sheet, table['school'])}"] = "Renamed"
    sheet.append(["Brand new", "event"])
    before = (Action.objects.count(), HistoricalAction.objects.count())
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert preview.counts[NEW] == 1 and preview.counts[CHANGED] == 1
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before


def test_apply_is_all_or_nothing(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"A{row_of(sheet, table['awards'])}"] = "Awards renamed"
    sheet[f"A{row_of(sheet, table['loose'])}"] = "Greening renamed"
    preview = preview_import(sofia_roadmap, as_file(workbook))
    # Somebody saves the second row between the preview and the apply.
    loose = table["loose"]
    services.action_update(action=loose, data={"progress": 5}, by=editor, expected_version=1)
    with pytest.raises(ImportFailed):
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert Action.objects.get(pk=table["awards"].pk).title == "CSR awards"


def test_injection_strings_come_back_as_text(client, editor, sofia_roadmap):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Type of activity", "Expected results", "ID", "Version"])
    sheet.append(["=SUM(1,2)", "event", "@cmd"])
    # Text that looks like a formula, as the export writes it (a real formula comes
    # back as its cached value: test_workbook_as_clients_write.py).
    sheet["A2"].data_type = "s"
    sheet.append(["-2", "event", "+3"])
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert [row.kind for row in preview.rows] == [NEW, NEW]
    apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    titles = dict(sofia_roadmap.actions.values_list("title", "expected_results"))
    assert titles == {"=SUM(1,2)": "@cmd", "-2": "+3"}


def test_headers_are_recognised_in_either_language_in_any_order(editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, title="Old", activity_type="event")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Таблица за действия"
    sheet.append(["Version", "ID", "вид дейност", "  ACTION "])
    sheet.append([1, action.pk, "event or forum", "New"])
    preview = preview_import(sofia_roadmap, as_file(workbook))
    (row,) = preview.rows
    assert row.kind == CHANGED
    assert [(c.old, c.new) for c in row.changes] == [("Old", "New")]


def test_bulgarian_labels_are_the_words_of_the_interface():
    from django.utils import translation

    from actions.workbook.labels import label

    with translation.override("bg"):
        for key, english in (("sheet_timeline", "Timeline"), ("deadline", "Deadline")):
            assert label(key) == translation.gettext(english)


def test_every_label_a_workbook_carried_before_is_still_recognised():
    from actions.workbook.labels import FORMER_LABELS, recognise

    for key, spellings in FORMER_LABELS.items():
        for text in spellings:
            assert recognise(f"  {text.upper()} ") == key, text


@pytest.mark.parametrize("deadline_header", ["Краен срок", "Срок", "Deadline"])
def test_workbooks_exported_before_with_the_old_bulgarian_headers_still_import(
    editor, sofia_roadmap, deadline_header
):
    action = factories.action(sofia_roadmap, title="Old", activity_type="event")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Таблица за действия"
    sheet.append(["Действие", "Вид дейност", deadline_header, "ID", "Версия"])
    sheet.append(["Old", "event", "30.06.2024", action.pk, 1])
    workbook.create_sheet("График")
    preview = preview_import(sofia_roadmap, as_file(workbook))
    (row,) = preview.rows
    assert row.kind == CHANGED
    assert row.data == {"deadline": datetime.date(2024, 6, 30)}


def test_text_that_only_differs_in_line_endings_is_unchanged(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, resources="One\r\nTwo", budget=Decimal("10"))
    workbook = exported(client, editor, sofia_roadmap)
    preview = preview_import(sofia_roadmap, as_file(workbook))
    assert [row.kind for row in preview.rows] == [UNCHANGED]
    assert action.pk == preview.rows[0].action_id


# --- the pages ---------------------------------------------------------------


def import_url(roadmap) -> str:
    return reverse("actions:import", args=[roadmap.pk])


def test_upload_preview_then_apply_in_the_browser(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"C{row_of(sheet, table['loose'])}"] = "More shade"
    upload = as_file(workbook)
    upload.name = "roadmap.xlsx"
    response = client.post(import_url(sofia_roadmap), {"workbook": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 changed" in html and "More shade" in html
    ticket = response.context["ticket"]
    assert Action.objects.get(pk=table["loose"].pk).expected_results == ""

    response = client.post(import_url(sofia_roadmap), {"ticket": ticket})
    assert response.status_code == 302
    loose = Action.objects.get(pk=table["loose"].pk)
    assert loose.expected_results == "More shade"
    assert loose.history.latest().history_user == editor
    # The ticket was used up: applying twice imports nothing and says so.
    again = client.post(import_url(sofia_roadmap), {"ticket": ticket})
    assert again.status_code == 409
    assert "This workbook was already imported" in again.content.decode()


def test_ticket_of_another_user_is_refused(client, editor, moderator, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"C{row_of(sheet, table['loose'])}"] = "More shade"
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    client.force_login(moderator)
    response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
    assert response.status_code == 400
    assert Action.objects.get(pk=table["loose"].pk).expected_results == ""


def test_preview_page_shows_errors_and_offers_no_apply(client, editor, table, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    row = row_of(sheet, table["school"])
    sheet[f"F{row}"] = "Acme"
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    assert f"F{row}: no organisation named “Acme”;" in response.content.decode()
    assert response.context["ticket"] is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("partner", 403),
        ("editor", 200),
        ("other_editor", 404),
        ("moderator", 200),
        ("network_admin", 200),
    ],
)
def test_import_permission_for_each_role(request, client, sofia_roadmap, role, expected):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(visibility="partners")
    action = factories.action(sofia_roadmap, title="Keep me")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(import_url(sofia_roadmap)).status_code == expected
    workbook = openpyxl.Workbook()
    workbook.active.title = "Action Table"
    workbook.active.append(["Action", "Type of activity", "ID", "Version"])
    workbook.active.append(["Changed", "event", action.pk, 1])
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == expected
    response = client.post(import_url(sofia_roadmap), {"ticket": "forged"})
    assert response.status_code == (400 if expected == 200 else expected)
    assert Action.objects.get(pk=action.pk).title == "Keep me"


def test_a_row_saved_between_preview_and_apply_stops_the_whole_import(
    client, editor, moderator, table, sofia_roadmap
):
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"C{row_of(sheet, table['loose'])}"] = "More shade"
    preview = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert preview.status_code == 200
    loose = Action.objects.get(pk=table["loose"].pk)
    # The moderator saves the row in the browser while the editor reads the preview.
    services.action_update(
        action=loose, data={"progress": 55}, by=moderator, expected_version=loose.version
    )
    history = Action.history.count()

    response = client.post(import_url(sofia_roadmap), {"ticket": preview.context["ticket"]})
    assert response.status_code == 409
    assert "The roadmap changed since the preview; nothing was imported." in (
        response.content.decode()
    )
    loose.refresh_from_db()
    assert (loose.expected_results, loose.progress) == ("", 55)
    assert Action.history.count() == history
