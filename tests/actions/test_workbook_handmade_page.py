"""A hand-made spreadsheet through the import page (issue 18): the mapping step,
its choices sent again with the apply, the remembered mapping, the blank
template, and who may do it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from actions.models import Action, ImportMapping
from actions.workbook.preview import NEW
from stakeholders.models import Organisation
from tests import factories
from tests.actions.handmade import EN_PLAN, as_file, workbook


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def plan() -> bytes:
    rows = [
        EN_PLAN,
        [1, "CSR awards", "Sofia Municipality", "Зелена София", "Q4 2022", "9000", "Sponsors",
         "ongoing", None],
        [2, "Volunteer day", "Sofia Municipality", None, "2023", None, None, "to do", None],
    ]  # fmt: skip
    return as_file(workbook(rows, title="Action plan", sheet="Plan", first_sheet=[["x"]])).read()


@pytest.fixture
def municipality(sofia):
    return factories.organisation(
        sofia, "Столична община", kind="municipality", aliases="Sofia Municipality"
    )


def url(roadmap) -> str:
    return reverse("actions:import", args=[roadmap.pk])


def upload(client, roadmap, content: bytes):
    return client.post(url(roadmap), {"workbook": SimpleUploadedFile("plan.xlsx", content)})


def test_the_mapping_step_then_apply_then_the_same_file_again(
    client, editor, sofia_roadmap, municipality
):
    client.force_login(editor)
    first = upload(client, sofia_roadmap, plan())
    assert first.status_code == 200
    page = first.content.decode()
    assert 'id="import-mapping"' in page and "Update the preview" in page
    assert "create organisation “Зелена София”" in page
    preview = first.context["preview"]
    assert preview.sheet == "Plan" and not preview.can_apply
    assert [(v.text, v.entry) for v in preview.values] == [
        ("ongoing", "in_progress"),
        ("to do", None),
    ]
    ticket = first.context["mapping_ticket"]
    assert first.context["ticket"] is None  # nothing to apply yet
    choices = {
        "ticket": ticket,
        "refresh": "1",
        "sheet": "Plan",
        "map-value": ["status:to do=proposed"],
        "default": ["activity_type=event"],
        "create-organisation": ["зелена софия"],
        "kind:зелена софия": "ngo",
    }
    second = client.post(url(sofia_roadmap), choices)
    assert second.status_code == 200
    preview = second.context["preview"]
    assert preview.can_apply, [row.errors for row in preview.rows]
    assert [row.kind for row in preview.rows] == [NEW, NEW]
    page = second.content.decode()
    assert "Deadline: Q4 2022 → 31.12.2022" in page
    hidden = second.context["hidden_fields"]
    assert ("map-value", "status:to do=proposed") in hidden
    assert ("create-organisation", "зелена софия") in hidden
    apply = {"ticket": second.context["ticket"]}
    for name, value in hidden:
        apply.setdefault(name, []).append(value)
    applied = client.post(url(sofia_roadmap), apply)
    assert applied.status_code == 302
    assert Action.objects.get(title="Volunteer day").status == "proposed"
    assert Action.objects.get(title="CSR awards").activity_type == "event"
    assert Organisation.objects.get(name="Зелена София").kind == "ngo"
    assert ImportMapping.objects.filter(roadmap=sofia_roadmap).count() == 1
    # The same file again: the remembered mapping, every row matched by title, 0 changes.
    again = upload(client, sofia_roadmap, plan())
    preview = again.context["preview"]
    assert preview.remembered
    assert preview.counts["unchanged"] == 2 and preview.change_count == 0
    assert "0 changes: the workbook matches the roadmap." in again.content.decode()


def test_a_row_matched_by_title_can_come_in_as_new(client, editor, sofia_roadmap, municipality):
    factories.action(sofia_roadmap, title="CSR awards", activity_type="event")
    client.force_login(editor)
    first = upload(client, sofia_roadmap, plan())
    row = first.context["preview"].rows[0]
    assert row.matched_by_title
    assert "matched by title" in first.content.decode()
    second = client.post(
        url(sofia_roadmap),
        {"ticket": first.context["mapping_ticket"], "refresh": "1", "as-new": ["4"]},
    )
    assert second.context["preview"].rows[0].as_new
    assert second.context["preview"].rows[0].kind in (NEW, "error")


# The partner here does not read the private roadmap (404); one who reads it is
# refused with 403 (tests/security/urlmatrix.py).
@pytest.mark.parametrize(
    ("who", "status"),
    [("editor", 200), ("moderator", 200), ("other_editor", 404), ("partner", 404), (None, 302)],
)
def test_who_may_upload_a_hand_made_file(client, request, sofia_roadmap, municipality, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    before = Action.objects.count()
    response = upload(client, sofia_roadmap, plan())
    assert response.status_code == status
    assert Action.objects.count() == before
    if status == 200:
        assert response.context["preview"].sheet == "Plan"


# The partner here does not read the private roadmap (404); one who reads it is
# refused with 403 (tests/security/urlmatrix.py).
@pytest.mark.parametrize(
    ("who", "status"),
    [("editor", 200), ("moderator", 200), ("other_editor", 404), ("partner", 404), (None, 302)],
)
def test_who_may_download_the_template(client, request, sofia_roadmap, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("actions:import_template", args=[sofia_roadmap.pk]))
    assert response.status_code == status


def test_the_template_in_the_readers_language_comes_back_with_what_was_filled_in(
    client, editor, sofia_roadmap
):
    factories.challenge(sofia_roadmap, title="Waste")
    client.force_login(editor)
    page = client.get(url(sofia_roadmap)).content.decode()
    assert reverse("actions:import_template", args=[sofia_roadmap.pk]) in page
    response = client.get(reverse("actions:import_template", args=[sofia_roadmap.pk]))
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Action Table", "Lists", "Instructions"]
    table = book["Action Table"]
    header = [cell.value for cell in table[1]]
    assert header[:3] == ["Action", "Type of activity", "Expected results"]
    assert "ID" not in header and "Version" not in header
    # The example is on the Instructions sheet, beside what each column takes: a row
    # left on the Action Table sheet would be imported as an action.
    assert table.max_row == 1
    assert len(table.data_validations.dataValidation) == 4
    instructions = book["Instructions"]
    assert [cell.value for cell in instructions[3]] == ["Column", "What it takes", "Example"]
    assert instructions["A4"].value == "Action"
    assert instructions["C4"].value == "A campaign on sorting waste"
    assert instructions["C5"].value == "awareness campaign"
    bulgarian = client.get(
        reverse("actions:import_template", args=[sofia_roadmap.pk]), {"lang": "bg"}
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(bulgarian.streaming_content)))
    assert book.sheetnames[0] == "Таблица за действия"
    assert book["Таблица за действия"]["A1"].value == "Действие"
    # Imported as it was downloaded, it holds no action and says so.
    unchanged = upload(client, sofia_roadmap, content)
    assert "The sheet holds no action under its header" in unchanged.content.decode()
    assert not unchanged.context["preview"].can_apply
    assert not Action.objects.filter(roadmap=sofia_roadmap).exists()
    # A row filled in comes back in as a new action.
    book = openpyxl.load_workbook(io.BytesIO(content))
    book["Action Table"].append(["Sort the waste", "awareness campaign"])
    filled = io.BytesIO()
    book.save(filled)
    back = upload(client, sofia_roadmap, filled.getvalue())
    preview = back.context["preview"]
    assert [(row.kind, row.title) for row in preview.rows] == [(NEW, "Sort the waste")]
    assert preview.can_apply
    assert (
        client.post(
            url(sofia_roadmap),
            {"ticket": back.context["ticket"], **dict(back.context["hidden_fields"])},
        ).status_code
        == 302
    )
    assert Action.objects.get(roadmap=sofia_roadmap).activity_type == "awareness"


def test_bad_hand_made_files_are_refused_on_the_import_page_and_nothing_is_written(
    client, editor, sofia_roadmap
):
    client.force_login(editor)
    before = (Action.objects.count(), Organisation.objects.count())
    no_header = as_file(workbook([["Our plan"], ["Item", "Who"], ["Trees", "us"]])).read()
    response = upload(client, sofia_roadmap, no_header)
    assert response.status_code == 422
    assert "No sheet of the workbook looks like an Action Table" in response.context["error"]
    no_title = as_file(workbook([["Status", "Deadline"], ["done", "2022"]])).read()
    response = upload(client, sofia_roadmap, no_title)
    assert response.status_code == 422
    assert response.context["error"] == "No column is the action's title (“Action”): map one to it."
    assert 'id="import-error"' in response.content.decode()
    every_deadline_fails = as_file(
        workbook([["Action", "Deadline"], ["A", "soon"], ["B", "later"]])
    ).read()
    response = upload(client, sofia_roadmap, every_deadline_fails)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-column-errors"' in page
    assert "No value of the column “Deadline” (B) could be read" in page
    assert response.context["ticket"] is None
    # A choice that names no field is refused, and nothing is written.
    response = client.post(
        url(sofia_roadmap),
        {"ticket": response.context["mapping_ticket"], "refresh": "1", "map": ["Deadline=boss"]},
    )
    assert response.status_code == 400
    assert (Action.objects.count(), Organisation.objects.count()) == before


def test_the_preview_shows_the_mapping_and_the_values_as_read(
    client, editor, sofia_roadmap, municipality
):
    client.force_login(editor)
    response = upload(client, sofia_roadmap, plan())
    page = response.content.decode()
    columns = [(c.letter, c.header, c.field_label) for c in response.context["preview"].columns]
    assert columns == [
        ("A", "#", "(ignored)"),
        ("B", "Action", "Action"),
        ("C", "Lead", "Lead partner"),
        ("D", "Partners", "Key partners"),
        ("E", "Timeframe", "Deadline"),
        ("F", "Budget (EUR)", "Estimated budget"),
        ("G", "Funding source", "kept in the description"),
        ("H", "Status", "Status"),
        ("I", "Comments", "kept in the description"),
    ]
    assert '<option value="Timeframe=deadline" selected>' in page
    assert '<option value="status:ongoing=in_progress" selected>' in page
    assert "(no entry: choose one)" in page
    assert '<select class="form-select form-select-sm w-auto" name="sheet"' in page
    assert "The file has no type of activity; every new action takes:" in page
    assert '<option value="activity_type=other" selected>' in page


def test_an_action_matched_by_title_and_saved_since_the_preview_is_a_conflict(
    client, editor, sofia_roadmap, municipality
):
    from actions import services

    awards = factories.action(sofia_roadmap, title="CSR awards", activity_type="event")
    client.force_login(editor)
    first = upload(client, sofia_roadmap, plan())
    choices = {
        "ticket": first.context["mapping_ticket"],
        "refresh": "1",
        "map-value": ["status:to do=proposed"],
        "create-organisation": ["зелена софия"],
        "kind:зелена софия": "ngo",
    }
    second = client.post(url(sofia_roadmap), choices)
    assert second.context["preview"].can_apply
    hidden = second.context["hidden_fields"]
    assert ("seen", f"4={awards.version}") in hidden
    # Somebody saves the action before the apply.
    services.action_update(
        action=awards, data={"progress": 50}, by=editor, expected_version=awards.version
    )
    apply = {"ticket": second.context["ticket"]}
    for name, value in hidden:
        apply.setdefault(name, []).append(value)
    response = client.post(url(sofia_roadmap), apply)
    assert response.status_code == 409
    assert response.context["preview"].rows[0].kind == "conflict"
    assert not Organisation.objects.filter(name="Зелена София").exists()
    assert Action.objects.get(pk=awards.pk).status == "proposed"


def test_the_mapping_step_in_bulgarian(client, editor, sofia_roadmap, municipality, settings):
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    response = upload(client, sofia_roadmap, plan())
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="bg">' in page
    # The fields by their Bulgarian labels (the workbook's headers).
    assert '<option value="Timeframe=deadline" selected>Срок</option>' in page


def test_more_rows_matched_by_title_than_a_form_may_have_fields_apply(
    client, editor, sofia_roadmap, settings
):
    """The apply form sends the versions of the rows matched by title in one field:
    a roadmap of more rows than Django's DATA_UPLOAD_MAX_NUMBER_FIELDS still applies."""
    settings.BACKGROUND_ROWS = 5_000
    count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 100
    Action.objects.bulk_create(
        Action(roadmap=sofia_roadmap, title=f"Action {n}", activity_type="event", position=n)
        for n in range(count)
    )
    rows = [["Action", "Status"]] + [[f"Action {n}", "in progress"] for n in range(count)]
    client.force_login(editor)
    preview = upload(client, sofia_roadmap, as_file(workbook(rows)).read())
    assert preview.context["preview"].counts["changed"] == count
    hidden = preview.context["hidden_fields"]
    assert len(hidden) < 20
    apply = {"ticket": preview.context["ticket"]}
    for name, value in hidden:
        apply.setdefault(name, []).append(value)
    response = client.post(url(sofia_roadmap), apply)
    assert response.status_code == 302
    assert Action.objects.filter(roadmap=sofia_roadmap, status="in_progress").count() == count
