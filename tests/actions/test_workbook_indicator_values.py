"""Indicators' current values back in through the workbook (issue 16): the
Indicators sheet's "Current value" is read for every indicator of the file (a
partner's own actions only, the rest "not yours, ignored"), applied through the
same service as the page (history names the person, lost updates refused); the
other columns and new lines are left alone and said so; an unedited file is 0
changes."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation

from actions import services
from actions.models import Action, Indicator, Roadmap
from actions.workbook.import_ import preview_import
from actions.workbook.import_apply import apply_import, imported_message
from actions.workbook.preview import CHANGED, CONFLICT, ERROR, IGNORED, UNCHANGED, ImportFailed
from tests import factories
from tests.actions.test_workbook_in_libreoffice import soffice  # noqa: F401 (a fixture)
from tests.actions.test_workbook_partner_import import (
    PROGRESS,
    _import_dir,  # noqa: F401 (an autouse fixture)
    as_file,
    exported,
    import_url,
    row_of,
)

D = Decimal
# The Indicators sheet's columns as the export writes them.
TARGET, CURRENT, IND_ID, VERSION = "F", "G", "I", "J"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def scene(sofia, sofia_roadmap, sofia_company):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(visibility=Roadmap.Visibility.PARTNERS)
    sofia_roadmap.refresh_from_db()
    ngo = factories.organisation(sofia, "Green NGO", kind="ngo")
    ours = factories.action(sofia_roadmap, title="School programme", lead_partner=sofia_company)
    theirs = factories.action(sofia_roadmap, title="Urban greening", lead_partner=ngo)
    schools = factories.indicator(ours, name="Schools", unit="schools", target=10, current=2)
    memo = factories.indicator(ours, name="Memorandum signed", unit="yes/no", target=1, position=1)
    trees = factories.indicator(theirs, name="Trees", target=100, current=D("12.5"))
    return {"ours": ours, "theirs": theirs, "schools": schools, "memo": memo, "trees": trees}


def _line(preview, indicator):
    return next(
        line
        for line in preview.resources.lines
        if line.sheet == "sheet_indicators" and line.pk == indicator.pk
    )


def _set(workbook, indicator, column, value):
    sheet = workbook["Indicators"]
    sheet[f"{column}{row_of(sheet, indicator.pk, IND_ID)}"] = value


@pytest.mark.parametrize("role", ["editor", "partner"])
@pytest.mark.parametrize("language", ["en", "bg"])
def test_an_unedited_export_is_zero_changes(request, client, scene, sofia_roadmap, role, language):
    user = request.getfixturevalue(role)
    with translation.override(language):
        client.cookies["django_language"] = language
        workbook = exported(client, user, sofia_roadmap)
        preview = preview_import(sofia_roadmap, as_file(workbook), user=user)
    assert workbook.sheetnames[3] == ("Indicators" if language == "en" else "Индикатори")
    lines = [line for line in preview.resources.lines if line.sheet == "sheet_indicators"]
    assert len(lines) == 3 and {line.kind for line in lines} == {UNCHANGED}
    assert preview.change_count == 0 and not preview.has_problems
    assert not any(line.notes for line in lines)


def test_partner_records_their_indicators_current_values(
    client, partner, scene, sofia_roadmap, sofia_company
):
    ours, schools, memo = scene["ours"], scene["schools"], scene["memo"]
    workbook = exported(client, partner, sofia_roadmap)
    _set(workbook, schools, CURRENT, "5,5")
    _set(workbook, schools, TARGET, 12)  # left alone: the indicators page changes it
    _set(workbook, memo, CURRENT, "yes")
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    preview = response.context["preview"]
    line = _line(preview, schools)
    assert line.kind == CHANGED
    assert [(c.label, c.old, c.new) for c in line.changes] == [("Current value", "2", "5.5")]
    assert line.notes == ["Target: 10 → 12"]
    assert _line(preview, memo).changes[0].new == "yes"
    html = response.content.decode()
    assert "Funding lines, pledges and indicators" in html
    assert "Left alone: only the current value is read from this sheet." in html
    assert "Target: 10 → 12" in html

    response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
    assert response.status_code == 302
    schools.refresh_from_db()
    memo.refresh_from_db()
    assert (schools.current, schools.target, memo.current) == (D("5.5"), 10, 1)
    ours.refresh_from_db()
    assert ours.version == 2
    assert schools.history.latest().history_user == partner
    assert ours.history.latest().history_user == partner


def test_other_actions_indicators_are_not_yours_and_ignored(client, partner, scene, sofia_roadmap):
    trees = scene["trees"]
    workbook = exported(client, partner, sofia_roadmap)
    _set(workbook, trees, CURRENT, 90)
    _set(workbook, scene["schools"], CURRENT, 3)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=partner)
    line = _line(preview, trees)
    assert line.kind == IGNORED
    assert line.ignored == ["not an action of your organisation", "Current value: 90"]
    apply_import(roadmap=sofia_roadmap, preview=preview, by=partner)
    trees.refresh_from_db()
    scene["schools"].refresh_from_db()
    assert (trees.current, scene["schools"].current) == (D("12.5"), 3)


@pytest.mark.parametrize("role", ["editor", "partner"])
def test_the_row_and_its_indicators_change_in_one_file(request, client, scene, sofia_roadmap, role):
    user = request.getfixturevalue(role)
    ours, schools = scene["ours"], scene["schools"]
    workbook = exported(client, user, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.5
    _set(workbook, schools, CURRENT, 7)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=user)
    assert preview.change_count == 2 and not preview.has_problems
    result = apply_import(roadmap=sofia_roadmap, preview=preview, by=user)
    assert result["indicators"] == 1
    assert "Current values of indicators: 1 changed." in imported_message(result)
    ours.refresh_from_db()
    schools.refresh_from_db()
    assert (ours.progress, schools.current, ours.version) == (50, 7, 3)


def test_an_editor_may_clear_a_current_value_as_the_page_does(client, editor, scene, sofia_roadmap):
    trees = scene["trees"]
    workbook = exported(client, editor, sofia_roadmap)
    _set(workbook, trees, CURRENT, None)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=editor)
    assert _line(preview, trees).changes[0].new == "—"
    apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    trees.refresh_from_db()
    assert trees.current is None


def test_an_action_saved_since_the_export_is_a_conflict(
    client, partner, editor, scene, sofia_roadmap
):
    ours, schools = scene["ours"], scene["schools"]
    workbook = exported(client, partner, sofia_roadmap)
    services.action_update(action=ours, data={"progress": 30}, by=editor, expected_version=1)
    _set(workbook, schools, CURRENT, 9)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=partner)
    line = _line(preview, schools)
    assert (line.kind, line.version, line.current_version) == (CONFLICT, 1, 2)
    # Who saved it, as the action's history names them to a partner.
    assert line.saved_by == "a member of staff"
    assert preview.has_problems
    with pytest.raises(ImportFailed):
        apply_import(roadmap=sofia_roadmap, preview=preview, by=partner)
    schools.refresh_from_db()
    assert schools.current == 2


def test_a_lost_update_between_preview_and_apply_writes_nothing(
    client, editor, moderator, scene, sofia_roadmap
):
    ours, schools, trees = scene["ours"], scene["schools"], scene["trees"]
    workbook = exported(client, editor, sofia_roadmap)
    _set(workbook, trees, CURRENT, 50)
    _set(workbook, schools, CURRENT, 9)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=editor)
    assert preview.change_count == 2
    services.action_update(action=ours, data={"progress": 30}, by=moderator, expected_version=1)
    with pytest.raises(ImportFailed, match="Indicators, row"):
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    trees.refresh_from_db()
    schools.refresh_from_db()
    assert (trees.current, schools.current) == (D("12.5"), 2)


@pytest.mark.parametrize(
    ("value", "message"),
    [("many", "not a number"), (D("1.555"), "2 decimal places")],
)
def test_a_bad_current_value_is_an_error_on_its_cell(
    client, editor, scene, sofia_roadmap, value, message
):
    schools = scene["schools"]
    workbook = exported(client, editor, sofia_roadmap)
    _set(workbook, schools, CURRENT, value)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=editor)
    line = _line(preview, schools)
    assert line.kind == ERROR and line.errors[0].startswith(f"{CURRENT}{line.row}: ")
    assert message in line.errors[0]
    assert preview.has_problems


def test_an_indicator_moved_to_another_action_is_an_error(client, editor, scene, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    _set(workbook, scene["schools"], "B", scene["theirs"].pk)
    line = _line(preview_import(sofia_roadmap, as_file(workbook), user=editor), scene["schools"])
    assert line.kind == ERROR and "stays with its action" in line.errors[0]


def test_a_new_line_is_left_alone_and_said_so(client, editor, scene, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    workbook["Indicators"].append(["School programme", scene["ours"].pk, "Pupils", "", 0, 500, 40])
    preview = preview_import(sofia_roadmap, as_file(workbook), user=editor)
    (line,) = [line for line in preview.resources.lines if line.pk is None]
    assert line.kind == UNCHANGED and "indicators page" in line.notes[0]
    assert line in preview.resources.lines_to_show() and preview.change_count == 0
    assert not Indicator.objects.filter(name="Pupils").exists()


def test_a_sheet_downloaded_before_its_ids_is_left_alone_with_a_note(
    client, editor, scene, sofia_roadmap
):
    ours = scene["ours"]
    workbook = exported(client, editor, sofia_roadmap)
    _set(workbook, scene["schools"], CURRENT, 8)
    workbook["Indicators"].delete_cols(9, 2)  # as the sheet was: no ID, no Version
    sheet = workbook["Action Table"]
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.4
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    preview = response.context["preview"]
    (note,) = preview.resources.notes
    assert "lacks the columns ID, Version" in note
    assert "its current values were not read" in response.content.decode()
    assert not preview.has_problems and preview.change_count == 1
    response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
    assert response.status_code == 302
    scene["schools"].refresh_from_db()
    assert scene["schools"].current == 2


@pytest.mark.parametrize("role", ["moderator", "other_editor", "anonymous"])
def test_who_else_may_send_current_values(request, client, scene, sofia_roadmap, role):
    workbook = exported(client, request.getfixturevalue("editor"), sofia_roadmap)
    _set(workbook, scene["schools"], CURRENT, 4)
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    if role == "moderator":
        assert _line(response.context["preview"], scene["schools"]).kind == CHANGED
        response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
        assert response.status_code == 302
    else:
        assert response.status_code == (404 if role == "other_editor" else 302)
    scene["schools"].refresh_from_db()
    assert scene["schools"].current == (4 if role == "moderator" else 2)
    assert Action.objects.get(pk=scene["ours"].pk).version == (2 if role == "moderator" else 1)


def test_the_sheet_as_a_file_keeps_the_ids(client, editor, scene, sofia_roadmap):
    workbook = exported(client, editor, sofia_roadmap)
    header = [cell.value for cell in workbook["Indicators"][1]]
    assert header[-2:] == ["ID", "Version"] and header[1] == "Action ID"


def test_a_large_workbook_with_indicators_is_previewed_by_a_job(
    client, editor, scene, sofia_roadmap, settings
):
    """A job keeps its preview as JSON: the lines of the Indicators (and Funding,
    Pledges) sheets hold their action's ID, not the action."""
    from tests.actions.test_workbook_import_job import opened, upload

    workbook = exported(client, editor, sofia_roadmap)
    _set(workbook, scene["schools"], CURRENT, 6)
    content = as_file(workbook).getvalue()
    settings.BACKGROUND_ROWS = 1000
    in_request = upload(client, sofia_roadmap, content)
    assert in_request.status_code == 200
    settings.BACKGROUND_ROWS = 1
    page = opened(client, upload(client, sofia_roadmap, content))
    assert page.status_code == 200
    assert page.context["preview"] == in_request.context["preview"]
    line = _line(page.context["preview"], scene["schools"])
    assert (line.kind, line.action_id) == (CHANGED, scene["ours"].pk)


def test_saved_by_libreoffice_the_indicators_come_back_as_zero_changes(
    soffice,  # noqa: F811
    client,
    partner,
    scene,
    sofia_roadmap,
    tmp_path,
):
    exported_file = tmp_path / "roadmap.xlsx"
    with translation.override("bg"):
        client.cookies["django_language"] = "bg"
        exported_file.write_bytes(as_file(exported(client, partner, sofia_roadmap)).getvalue())
    ods = soffice(exported_file, "ods")
    for back in (ods, soffice(ods, "xlsx:Calc MS Excel 2007 XML")):
        with translation.override("bg"):
            preview = preview_import(sofia_roadmap, io.BytesIO(back.read_bytes()), user=partner)
        lines = [line for line in preview.resources.lines if line.sheet == "sheet_indicators"]
        assert [line.kind for line in lines] == [UNCHANGED] * 3
        assert preview.change_count == 0 and not preview.has_problems


def test_a_hand_made_indicators_sheet_never_refuses_the_file(client, editor, scene, sofia_roadmap):
    ours = scene["ours"]
    workbook = exported(client, editor, sofia_roadmap)
    del workbook["Indicators"]
    own = workbook.create_sheet("Indicators")
    own.append(["Our own list of measures"])
    own.append(["Measure", "How much by 2030"])
    own.append(["Schools reached", 12])
    sheet = workbook["Action Table"]
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.3
    preview = preview_import(sofia_roadmap, as_file(workbook), user=editor)
    assert preview.column_errors == [] and not preview.has_problems
    assert preview.change_count == 1
    apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    ours.refresh_from_db()
    scene["schools"].refresh_from_db()
    assert (ours.progress, scene["schools"].current) == (30, 2)
