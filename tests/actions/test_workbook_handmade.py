"""A city's hand-made Action Table comes in (issue 18): any sheet and header row,
merged cells, headers and values as the file writes them, no ID or version, text
deadlines, budgets that are not numbers, and the second import changes nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import translation

from actions import services
from actions.models import Action
from actions.workbook.import_ import preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.labels import label
from actions.workbook.mapping import ImportOptions, suggest_field, suggest_value
from actions.workbook.partner_names import Names
from actions.workbook.preview import CHANGED, NEW, UNCHANGED, ImportFailed, WorkbookRejected
from actions.workbook.textdates import interpret
from core.history_reasons import reason_text
from stakeholders.models import Membership, Organisation
from tests import factories
from tests.actions.handmade import BG_HEADER, EN_PLAN, IAP, as_file, workbook
from tests.actions.test_workbook_in_libreoffice import soffice  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def orgs(sofia):
    return {
        "municipality": factories.organisation(
            sofia, "Столична община", kind="municipality", aliases="Sofia Municipality"
        ),
        "denkstatt": factories.organisation(sofia, "Денкщат България"),
        "chamber": factories.organisation(sofia, "БТПП", kind="chamber", aliases="BCCI"),
    }


@pytest.fixture
def waste(sofia_roadmap):
    return factories.challenge(sofia_roadmap, title="Отговорно управление на отпадъците")


def bulgarian_table():
    rows = [
        BG_HEADER,
        [None, None, None, None, None, None, None, None, None, None],
        [1, "Кампания „Чиста София“", "кампания", "Столична община",
         "Денкщат България, БТПП", "Q2 2022", "в процес", "€15,000 / year", "ОП Околна среда",
         "Отговорно управление на отпадъците"],
        [2, "Обучение на учители", "обучение", "Денкщат България", "Столична община",
         "м. септември 2022", "idea", "tbc", None, None],
        [3, "Зелени покриви", "пилотен проект", "БТПП", "Sofia Municipality\nДенкщат България",
         "Q3 2022 – Q4 2024", "planned", 40000, "частно", None],
    ]  # fmt: skip
    return workbook(
        rows,
        title="Пътна карта за КСО на София — таблица за действия",
        merges=("J5:J7",),
        first_sheet=[["Бележки към таблицата"]],
    )


def test_suggestions_of_headers_and_values():
    assert [suggest_field(text) for text in IAP] == [
        "note", "title", "deadline", "lead_partner", "key_partners", "budget", "note",
        "expected_results", "expected_results", "note",
    ]  # fmt: skip
    assert [suggest_field(text) for text in BG_HEADER] == [
        None, "title", "activity_type", "lead_partner", "key_partners", "deadline", "status",
        "budget", "note", "challenge",
    ]  # fmt: skip
    # The lead partner under the names Bulgarian plans give it.
    for header in ("Отговорна организация", "Отговорна институция", "Отговаря", "Водещ партньор"):
        assert suggest_field(header) == "lead_partner", header
    assert suggest_field("Responsible partner") == "lead_partner"
    assert suggest_value("activity_type", "кампания") == "awareness"
    assert suggest_value("activity_type", "Обучение") == "training"
    assert suggest_value("status", "в процес") == "in_progress"
    assert suggest_value("status", "ongoing") == "in_progress"
    assert suggest_value("status", "Idea") == "proposed"
    assert suggest_value("status", "planned") == "proposed"
    assert suggest_value("status", "в изпълнение") == "in_progress"
    assert suggest_value("status", "whatever") is None
    # A negated status is not the status it names.
    assert suggest_value("status", "не е започнато") == "proposed"
    assert suggest_value("status", "not started") == "proposed"
    assert suggest_value("status", "не е одобрено") is None
    assert suggest_value("status", "не завършено") is None
    assert suggest_value("status", "в процес на изпълнение") == "in_progress"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Q2 2022", "Q2 2022 → 30.06.2022"),
        ("06.2022", "06.2022 → 30.06.2022"),
        ("2022-06", "2022-06 → 30.06.2022"),
        ("юни 2022", "юни 2022 → 30.06.2022"),
        ("м. септември 2022", "м. септември 2022 → 30.09.2022"),
        ("2023", "2023 → 31.12.2023"),
        ("до края на 2022 г.", "до края на 2022 г. → 31.12.2022"),
        ("end of 2022", "end of 2022 → 31.12.2022"),
        ("Q3 2022 – Q4 2024", "Q3 2022 – Q4 2024 → 01.07.2022 – 31.12.2024"),
        ("2022–2023", "2022–2023 → 01.01.2022 – 31.12.2023"),
        ("Q3 – Q4 2024", "Q3 – Q4 2024 → 01.07.2024 – 31.12.2024"),
    ],
)
def test_text_deadlines(text, shown):
    assert interpret(text).shown() == shown


@pytest.mark.parametrize("text", ["tbc", "soon", "2022–2021", "13.2022", "Q5 2022"])
def test_what_is_no_deadline(text):
    assert interpret(text) is None


def test_bulgarian_table_with_title_rows_and_merged_challenge_on_a_second_sheet(
    sofia_roadmap, orgs, waste, editor
):
    preview = preview_import(sofia_roadmap, as_file(bulgarian_table()))
    assert preview.sheet == "Лист1" and preview.sheet_names == ["Бележки", "Лист1"]
    assert preview.skipped_rows == [1]
    assert preview.ignored_columns == ["№"]
    fields = [None, "title", "activity_type", "lead_partner", "key_partners", "deadline"]
    fields += ["status", "budget", "note", "challenge"]
    assert [(c.header, c.field) for c in preview.columns] == list(
        zip(BG_HEADER, fields, strict=True)
    )
    assert [(v.field, v.text, v.entry) for v in preview.values] == [
        ("activity_type", "кампания", "awareness"),
        ("activity_type", "обучение", "training"),
        ("activity_type", "пилотен проект", "pilot"),
        ("status", "idea", "proposed"),
        ("status", "planned", "proposed"),
        ("status", "в процес", "in_progress"),
    ]
    assert [(row.row, row.kind) for row in preview.rows] == [(5, NEW), (6, NEW), (7, NEW)]
    first, second, third = preview.rows
    assert first.data["challenge"] == waste.pk
    # The merged challenge cell covers the second and third rows too.
    assert second.data["challenge"] == waste.pk and third.data["challenge"] == waste.pk
    assert first.data["key_partners"] == {orgs["denkstatt"].pk, orgs["chamber"].pk}
    assert third.data["key_partners"] == {orgs["municipality"].pk, orgs["denkstatt"].pk}
    assert first.data["deadline"] == datetime.date(2022, 6, 30)
    assert first.interpretations == ["Deadline: Q2 2022 → 30.06.2022"]
    assert first.data["budget"] == Decimal("15000") and first.data["currency"] == "EUR"
    assert "Estimated budget: €15,000 / year" in first.data["resources"]
    assert first.data["description"] == "Източник на финансиране: ОП Околна среда"
    assert second.data["budget"] is None
    assert second.data["resources"] == "Estimated budget: tbc"
    assert second.notes == ["budget “tbc” is not a number: kept in the necessary resources"]
    assert second.data["deadline"] == datetime.date(2022, 9, 30)
    assert (third.data["start_date"], third.data["deadline"]) == (
        datetime.date(2022, 7, 1),
        datetime.date(2024, 12, 31),
    )
    assert preview.can_apply
    assert apply_import(roadmap=sofia_roadmap, preview=preview, by=editor) == {
        "created": 3,
        "changed": 0,
        "lines": 0,
        "indicators": 0,
    }
    school = Action.objects.get(title="Обучение на учители")
    assert school.activity_type == "training" and school.status == "proposed"
    # The second import of the same file: every row is its action, found by title.
    again = preview_import(sofia_roadmap, as_file(bulgarian_table()))
    assert [(row.kind, row.matched_by_title) for row in again.rows] == [(UNCHANGED, True)] * 3
    assert again.change_count == 0


def test_a_start_written_as_a_month_is_its_first_day_and_the_preview_says_so(sofia_roadmap):
    """A start cell "June 2027" is stored as 01.06.2027; the preview said
    "Start: June 2027 → 30.06.2027" (the deadline's reading), which is not what is stored."""
    rows = [["Action", "Start", "Deadline"], ["Donors' marathon", "June 2027", "Q4 2027"]]
    (row,) = preview_import(sofia_roadmap, as_file(workbook(rows))).rows
    assert (row.data["start_date"], row.data["deadline"]) == (
        datetime.date(2027, 6, 1),
        datetime.date(2027, 12, 31),
    )
    assert row.interpretations == [
        "Start: June 2027 → 01.06.2027",
        "Deadline: Q4 2027 → 31.12.2027",
    ]


@pytest.mark.parametrize(
    ("language", "typed", "written"),
    [("bg", "15 000,50", "15\xa0000,5"), ("en", "15,000.50", "15,000.5")],
)
def test_the_preview_writes_a_budget_as_the_action_table_does(
    sofia_roadmap, language, typed, written
):
    """The preview's budget, and the note on a budget read out of text, group the
    thousands as the Action Table does in the reader's language (it wrote "15000,5"
    beside the table's "15 000,5", and "read as 15000.50" in Bulgarian)."""
    rows = [
        ["Action", "Estimated budget"],
        ["Green roofs", typed],
        ["Trees", f"{typed} EUR per year"],
    ]
    with translation.override(language):
        first, second = preview_import(sofia_roadmap, as_file(workbook(rows))).rows
        budget = [change.new for change in first.changes if change.label == label("budget")]
    assert budget == [written]
    assert f" {written}, " in second.notes[0]


@pytest.mark.parametrize(
    ("written", "currency"),
    [
        ("лв.", "BGN"),
        ("лв", "BGN"),
        ("€", "EUR"),
        ("евро", "EUR"),
        ("BGN", "BGN"),
        ("euro (EUR)", "EUR"),
    ],
)
def test_a_currency_column_takes_the_signs_people_write(sofia_roadmap, written, currency):
    """A currency cell "лв." or "€", as Bulgarian sheets write them (and the pledge
    units are labelled): it was "not a known Currency" beside a budget of "9 000 лв."."""
    rows = [["Action", "Estimated budget", "Currency"], ["Green roofs", 9000, written]]
    (row,) = preview_import(sofia_roadmap, as_file(workbook(rows))).rows
    assert row.errors == []
    assert row.data["currency"] == currency


@pytest.mark.parametrize(
    ("written", "amount", "currency"),
    [("9 000 лева", "9000", "BGN"), ("1 лев", "1", "BGN"), ("15.000,50 лв.", "15000.50", "BGN")],
)
def test_a_budget_in_leva_is_read_as_bulgarian_sheets_write_it(
    sofia_roadmap, written, amount, currency
):
    """ "9 000 лева", as Bulgarian sheets write a budget, is 9000 BGN (only "лв." was)."""
    rows = [["Action", "Estimated budget"], ["Green roofs", written]]
    (row,) = preview_import(sofia_roadmap, as_file(workbook(rows))).rows
    assert row.errors == [] and row.notes == []
    assert (row.data["budget"], row.data["currency"]) == (Decimal(amount), currency)


def test_a_row_matched_by_title_changes_its_action_or_comes_in_as_new(sofia_roadmap, editor):
    action = factories.action(sofia_roadmap, title="Зелени покриви", activity_type="pilot")
    rows = [["Action", "Type of activity", "Status"], ["  „зелени   ПОКРИВИ“ ", "pilot", "done"]]
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)))
    (row,) = preview.rows
    assert (row.kind, row.matched_by_title, row.action_id) == (CHANGED, True, action.pk)
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Status", "proposed", "done")]
    as_new = preview_import(
        sofia_roadmap, as_file(workbook(rows)), options=ImportOptions(as_new={2})
    )
    (row,) = as_new.rows
    assert (row.kind, row.matched_by_title, row.as_new) == (NEW, False, True)


def test_english_plan_takes_other_as_its_type_and_english_names(sofia_roadmap, orgs, editor):
    rows = [
        EN_PLAN,
        [1, "CSR awards", "BCCI", "Sofia Municipality; Денкщат България", "end of 2022",
         "9 000", "Sponsors", "ongoing", "yearly"],
    ]  # fmt: skip
    preview = preview_import(sofia_roadmap, as_file(workbook(rows, sheet="Plan")))
    (row,) = preview.rows
    assert row.kind == NEW, row.errors
    assert preview.defaults == {"activity_type": "other"}
    assert row.data["activity_type"] == "other"
    assert row.data["lead_partner"] == orgs["chamber"].pk
    assert row.data["status"] == "in_progress"
    assert row.data["deadline"] == datetime.date(2022, 12, 31)
    assert row.data["description"] == "Funding source: Sponsors\nComments: yearly"
    chosen = ImportOptions(defaults={"activity_type": "event"})
    (row,) = preview_import(sofia_roadmap, as_file(workbook(rows)), options=chosen).rows
    assert row.data["activity_type"] == "event"


def test_iap_layout_under_a_title_block(sofia_roadmap, orgs):
    rows = [
        IAP,
        ["1.1", "Green procurement guide", "2023", "Столична община", None, "in-kind",
         "municipal budget", "a guide", "10 companies use it", "low uptake"],
    ]  # fmt: skip
    book = workbook(rows, title="Integrated Action Plan — Sofia", sheet="IAP")
    preview = preview_import(sofia_roadmap, as_file(book))
    (row,) = preview.rows
    assert row.kind == NEW, row.errors
    assert preview.columns[7].field == "expected_results"
    # Two columns are expected results: the second one's text is kept as a note.
    assert [(c.header, c.field) for c in preview.columns[7:9]] == [
        ("Outputs", "expected_results"),
        ("Result indicators", "note"),
    ]
    assert row.data["deadline"] == datetime.date(2023, 12, 31)
    assert row.data["description"] == (
        "Ref.: 1.1\nFunding source: municipal budget\nResult indicators: 10 companies use it"
        "\nRisks: low uptake"
    )


def test_a_value_that_matches_nothing_lists_the_entries_and_can_be_mapped(sofia_roadmap):
    rows = [["Action", "Type", "Status"], ["A", "hackathon", "ok"], ["B", "event", "done"]]
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)))
    assert preview.rows[0].errors[0].startswith("B2: not a known Type of activity: “hackathon”;")
    assert "use one of: awareness campaign, training" in preview.rows[0].errors[0]
    chosen = ImportOptions(
        values={"activity_type": {"hackathon": "event"}, "status": {"ok": "done"}}
    )
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)), options=chosen)
    assert [row.data["activity_type"] for row in preview.rows] == ["event", "event"]
    assert [(v.text, v.entry) for v in preview.values] == [
        ("event", "event"),
        ("hackathon", "event"),
        ("done", "done"),
        ("ok", "done"),
    ]
    assert preview.rows[0].data["status"] == "done"


def test_a_column_whose_every_value_fails_is_one_message(sofia_roadmap):
    rows = [["Action", "Deadline"], ["A", "soon"], ["B", "later"], ["C", "someday"]]
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)))
    assert preview.column_errors == [
        "No value of the column “Deadline” (B) could be read: not a date; write it as "
        "dd.mm.yyyy (31.12.2030), yyyy-mm-dd or dd/mm/yyyy. Map the column to another "
        "field, or leave it out."
    ]
    assert preview.has_problems and not preview.can_apply
    assert all(not any("not a date" in e for e in row.errors) for row in preview.rows)
    # Mapped to a note instead, it goes into the description.
    chosen = ImportOptions(columns={"deadline": "note"})
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)), options=chosen)
    assert preview.can_apply
    assert preview.rows[0].data["description"] == "Deadline: soon"


def test_no_header_row_and_no_title_column_are_refused(sofia_roadmap):
    rows = [["Our plan"], ["Item", "Who", "Money"], ["Trees", "us", 10]]
    with pytest.raises(WorkbookRejected, match="No sheet of the workbook looks like"):
        preview_import(sofia_roadmap, as_file(workbook(rows)))
    with pytest.raises(WorkbookRejected, match=r"No header row found: .*“Our plan”"):
        preview_import(sofia_roadmap, as_file(workbook(rows)), options=ImportOptions(sheet="Лист1"))
    rows = [["Status", "Deadline"], ["done", "2022"]]
    with pytest.raises(WorkbookRejected, match="No column is the action's title"):
        preview_import(sofia_roadmap, as_file(workbook(rows)))
    chosen = ImportOptions(sheet="Missing")
    with pytest.raises(WorkbookRejected, match="no sheet named “Missing”; its sheets: “Лист1”"):
        preview_import(sofia_roadmap, as_file(workbook(rows)), options=chosen)


def unknown_names():
    rows = [
        ["Action", "Type", "Lead", "Partners", "Challenge", "Deadline"],
        ["Eco days", "event", "Зелена София", "Денкщат България, Нова организация",
         "Отговорно управление на отпадъците", "Q2 2022"],
        ["Tree planting", "volunteering", "Зелена София", None, None, "2023"],
    ]  # fmt: skip
    return workbook(rows)


def test_unknown_organisations_and_challenges_are_listed_then_created_when_ticked(
    sofia_roadmap, sofia, orgs, editor
):
    preview = preview_import(sofia_roadmap, as_file(unknown_names()))
    assert preview.missing_organisations == {
        "зелена софия": "Зелена София",
        "нова организация": "Нова организация",
    }
    assert preview.missing_challenges == {
        "отговорно управление на отпадъците": "Отговорно управление на отпадъците"
    }
    assert preview.rows[0].errors[0] == (
        "C2: no organisation named “Зелена София”; write the name of an organisation of "
        "the working group"
    )
    assert not preview.can_apply
    chosen = ImportOptions(
        create_organisations={"зелена софия": "ngo", "нова организация": "company"},
        create_challenges={"отговорно управление на отпадъците": "environmental"},
    )
    preview = preview_import(sofia_roadmap, as_file(unknown_names()), options=chosen)
    assert preview.can_apply, [row.errors for row in preview.rows]
    assert preview.create_organisations == {"Зелена София": "ngo", "Нова организация": "company"}
    changes = {(c.label, c.new) for c in preview.rows[0].changes}
    assert ("Lead partner", "Зелена София (new)") in changes
    assert ("Challenge", "Отговорно управление на отпадъците (new)") in changes
    assert apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)["created"] == 2
    green = Organisation.objects.get(name="Зелена София")
    assert green.city == sofia and green.kind == "ngo"
    assert Membership.objects.filter(city=sofia, organisation=green).exists()
    (added,) = LogEntry.objects.filter(object_id=str(green.pk), content_type__model="organisation")
    assert added.is_addition() and added.user == editor
    eco = Action.objects.get(title="Eco days")
    assert eco.lead_partner == green
    assert eco.challenge.title == "Отговорно управление на отпадъците"
    assert eco.challenge.strand == "environmental"
    assert {p.name for p in eco.key_partners.all()} == {"Денкщат България", "Нова организация"}
    # The text as written, in history.
    record = eco.history.latest()
    assert reason_text(record.history_change_reason) == (
        "imported from a workbook, read as: Deadline: Q2 2022 → 30.06.2022"
    )
    # The second time: all known, nothing to create, nothing changes.
    again = preview_import(sofia_roadmap, as_file(unknown_names()))
    assert again.missing_organisations == {} and again.change_count == 0


def test_creation_is_all_or_nothing_with_the_rows(sofia_roadmap, orgs, editor, monkeypatch):
    chosen = ImportOptions(
        create_organisations={"зелена софия": "ngo", "нова организация": "company"},
        create_challenges={"отговорно управление на отпадъците": "social"},
    )
    preview = preview_import(sofia_roadmap, as_file(unknown_names()), options=chosen)
    real = services.actions_apply_import

    def refused_after_writing(**kwargs):
        # The rows written (in bulk), then one refused: everything goes, the
        # organisations and the challenge created before the rows included.
        real(**kwargs)
        assert Action.objects.filter(title="Eco days").exists()
        raise services.RowRefused(kwargs["changes"][-1].key, ValidationError("refused"))

    monkeypatch.setattr(services, "actions_apply_import", refused_after_writing)
    with pytest.raises(ImportFailed):
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert not Organisation.objects.filter(name="Зелена София").exists()
    assert not sofia_roadmap.challenges.exists()
    assert not Action.objects.filter(title="Eco days").exists()


def _summary(preview):
    return [(row.row, row.kind, row.title, dict(row.data), row.errors) for row in preview.rows]


@pytest.mark.parametrize("to", ["ods", "xls"])
def test_the_bulgarian_table_as_ods_and_xls_reads_alike_merged_cells_included(
    request,
    sofia_roadmap,
    orgs,
    waste,
    tmp_path,
    to,
):
    """LibreOffice saves the hand-made table as .ods (whose merged ranges calamine
    does not give: ods_merges reads them) and .xls; both preview as the .xlsx does."""
    convert = request.getfixturevalue("soffice")
    source = tmp_path / "table.xlsx"
    bulgarian_table().save(source)
    expected = _summary(preview_import(sofia_roadmap, as_file(bulgarian_table())))
    with open(convert(source, to), "rb") as converted:
        preview = preview_import(sofia_roadmap, converted)
    assert preview.sheet_names == ["Бележки", "Лист1"]
    assert _summary(preview) == expected
    assert all(row.data["challenge"] == waste.pk for row in preview.rows)


@pytest.mark.parametrize("language", ["bg", "en"])
def test_the_apps_own_headers_without_id_and_version_match_every_row_by_title(
    client, editor, sofia_roadmap, sofia, language
):
    """A city that copied the app's headers but not its ID and Version columns (and,
    in English, not its type of activity either): every row is its action, by title."""
    from tests.actions.test_workbook_export import download, make_table

    make_table(sofia_roadmap, sofia)
    client.force_login(editor)
    book = openpyxl.load_workbook(io.BytesIO(download(client, sofia_roadmap, lang=language)))
    sheet = book.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    drop = [header.index(label) + 1 for label in header if label in ("ID", "Version")]
    if language == "en":
        drop.append(header.index("Type of activity") + 1)
    for column in sorted(drop, reverse=True):
        sheet.delete_cols(column)
    sheet.title = "Sheet1"
    preview = preview_import(sofia_roadmap, as_file(book))
    assert preview.hand_made
    assert {(row.kind, row.matched_by_title) for row in preview.rows} == {(UNCHANGED, True)}
    assert len(preview.rows) == sofia_roadmap.actions.count()


def test_partners_split_on_commas_only_between_organisations(sofia_roadmap, sofia, orgs):
    factories.organisation(sofia, "Smith, Jones & Co")
    names = Names(sofia_roadmap, ImportOptions())
    assert names.split("Денкщат България, БТПП") == ["Денкщат България", "БТПП"]
    assert names.split("Smith, Jones & Co") == ["Smith, Jones & Co"]
    assert names.split("Smith, Jones & Co; BCCI\n „Sofia  municipality“ ,") == [
        "Smith, Jones & Co",
        "BCCI",
        "„Sofia  municipality“",
    ]
    # A whole that is no organisation: its parts are (or are to be created).
    assert names.split("Green NGO, Blue NGO") == ["Green NGO", "Blue NGO"]
    assert names.organisation("„sofia  MUNICIPALITY“", "") == orgs["municipality"].pk
    assert names.organisation("bcci", "") == orgs["chamber"].pk


def test_an_id_column_of_the_files_own_without_a_version_is_ignored(sofia_roadmap):
    rows = [["ID", "Action", "Type"], [1, "Trees", "volunteering"], [2, "Fair", "event"]]
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)))
    assert preview.hand_made and preview.ignored_columns == ["ID"]
    assert [(row.kind, row.action_id) for row in preview.rows] == [(NEW, None), (NEW, None)]
    # Mapped to the app's ID on purpose, it needs the Version beside it.
    with pytest.raises(WorkbookRejected, match="Columns missing: “Version”"):
        preview_import(
            sofia_roadmap, as_file(workbook(rows)), options=ImportOptions(columns={"id": "id"})
        )


def test_the_currency_a_budget_header_names_is_the_rows(sofia_roadmap, orgs):
    # "Бюджет (лв.)": 5000 there is 5000 leva, not the default currency's 5000.
    rows = [
        ["Дейност", "Водещ партньор", "Срок", "Бюджет (лв.)", "Валута"],
        ["Кръгла маса", "Столична община", "Q2 2027", 5000, None],
        ["Наръчник", "Столична община", "Q3 2027", "1 200 €", None],
        ["Форум", "Столична община", "Q4 2027", 300, "EUR"],
        ["Без бюджет", "Столична община", "Q4 2027", None, None],
    ]
    preview = preview_import(sofia_roadmap, as_file(workbook(rows)))
    by_title = {row.title: row for row in preview.rows}
    assert by_title["Кръгла маса"].kind == NEW, by_title["Кръгла маса"].errors
    assert by_title["Кръгла маса"].data["currency"] == "BGN"
    assert ("Currency", "", "Bulgarian lev (BGN)") in [
        (c.label, c.old, c.new) for c in by_title["Кръгла маса"].changes
    ]
    # The cell's own sign, and the currency column, say more than the header.
    assert by_title["Наръчник"].data["currency"] == "EUR"
    assert by_title["Форум"].data["currency"] == "EUR"
    assert by_title["Без бюджет"].data.get("currency") != "BGN"


def test_partners_joined_by_and_are_split_only_into_known_organisations(sofia_roadmap, sofia, orgs):
    # "Денкщат България и БТПП" is two partners, not one organisation to create;
    # a name with "и" in it that is known, or whose parts are not all known, stays whole.
    factories.organisation(sofia, "Министерство на труда и социалната политика")
    names = Names(sofia_roadmap, ImportOptions())
    assert names.split("Денкщат България и БТПП") == ["Денкщат България", "БТПП"]
    assert names.split("Sofia Municipality and BCCI") == ["Sofia Municipality", "BCCI"]
    assert names.split("Министерство на труда и социалната политика") == [
        "Министерство на труда и социалната политика"
    ]
    assert names.split("Денкщат България и Сие") == ["Денкщат България и Сие"]
