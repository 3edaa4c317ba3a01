"""A partner changes no funding line (issue 16), so a Funding sheet that cannot be
read back does not refuse their workbook: it is skipped with a note, and the
partner's own changes are applied. The city's staff's import keeps refusing it,
and a partner's unreadable Pledges sheet (they add pledges) is refused too."""

from __future__ import annotations

import pytest

from actions.workbook.import_ import preview_import
from actions.workbook.preview import CHANGED, IGNORED, UNCHANGED
from tests.actions.test_workbook_partner_import import (
    PROGRESS,
    _english,  # noqa: F401 (an autouse fixture)
    _import_dir,  # noqa: F401 (an autouse fixture)
    as_file,
    by_action,
    exported,
    import_url,
    row_of,
)
from tests.actions.test_workbook_partner_import import scene as scene


def _unreadable(sheet, how: str) -> None:
    if how == "columns":
        sheet.delete_cols(9, 2)  # the ID and Version columns
    else:
        sheet.delete_rows(1)  # no header row at all


def _edited(client, user, roadmap, scene, how, sheet_name="Funding"):
    workbook = exported(client, user, roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{PROGRESS}{row_of(sheet, scene['ours'].pk)}"] = 0.6
    _unreadable(workbook[sheet_name], how)
    return as_file(workbook)


@pytest.mark.parametrize("how", ["columns", "header"])
def test_a_partners_unreadable_funding_sheet_is_skipped_with_a_note(
    client, partner, scene, sofia_roadmap, how
):
    ours = scene["ours"]
    upload = _edited(client, partner, sofia_roadmap, scene, how)
    response = client.post(import_url(sofia_roadmap), {"workbook": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.column_errors == []
    (note,) = [n for n in preview.ignored_notes if "Funding" in n]
    assert note.endswith("Funding lines are kept by the city's staff: the sheet is ignored.")
    assert by_action(preview, ours).kind == CHANGED
    assert preview.can_apply
    assert "the sheet is ignored" in response.content.decode()

    response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.progress == 60
    scene["line"].refresh_from_db()
    assert scene["line"].version == 1


def test_a_partners_changed_funding_lines_are_listed_as_ignored(
    client, partner, scene, sofia_roadmap
):
    workbook = exported(client, partner, sofia_roadmap)
    funding = workbook["Funding"]
    funding.cell(row_of(funding, scene["line"].pk, "I"), 5).value = "not a number"
    preview = preview_import(sofia_roadmap, as_file(workbook), user=partner)
    (line,) = [line for line in preview.resources.lines if line.sheet == "sheet_funding"]
    assert line.kind == IGNORED and not preview.has_problems


@pytest.mark.parametrize("how", ["columns", "header"])
def test_an_editors_unreadable_funding_sheet_refuses_the_file(
    client, editor, scene, sofia_roadmap, how
):
    upload = _edited(client, editor, sofia_roadmap, scene, how)
    response = client.post(import_url(sofia_roadmap), {"workbook": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert any("Funding" in error for error in preview.column_errors)
    assert not preview.can_apply and response.context["ticket"] is None
    scene["ours"].refresh_from_db()
    assert scene["ours"].progress == 0


def test_a_partners_unreadable_pledges_sheet_still_refuses_the_file(
    client, partner, scene, sofia_roadmap
):
    upload = _edited(client, partner, sofia_roadmap, scene, "header", sheet_name="Pledges")
    preview = preview_import(sofia_roadmap, upload, user=partner)
    assert any("Pledges" in error for error in preview.column_errors)
    assert not preview.can_apply
    assert by_action(preview, scene["ours"]).kind in (CHANGED, UNCHANGED)


@pytest.mark.parametrize("role", ["moderator", "other_editor", "anonymous"])
def test_others_do_not_reach_the_partners_preview(request, client, scene, sofia_roadmap, role):
    """The moderator imports as the city's staff (refused), another city's editor
    and anonymous users cannot post a workbook at all."""
    upload = _edited(client, request.getfixturevalue("editor"), sofia_roadmap, scene, "header")
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(import_url(sofia_roadmap), {"workbook": upload})
    if role == "moderator":
        assert response.status_code == 200
        assert any("Funding" in e for e in response.context["preview"].column_errors)
    elif role == "other_editor":
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 302
    scene["ours"].refresh_from_db()
    assert scene["ours"].progress == 0
