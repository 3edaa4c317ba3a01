"""A partner's workbook import (issue 16): the status and progress of the
organisation's own actions and its new pledges are applied through the same
services (history names the partner, lost updates refused); every other row,
column, funding line and saved pledge is listed as "not yours, ignored"."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from actions import services
from actions.models import Action, FundingLine, Pledge, Roadmap
from actions.workbook.import_ import preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.preview import (
    CHANGED,
    CONFLICT,
    ERROR,
    IGNORED,
    NEW,
    UNCHANGED,
    ImportFailed,
)
from tests import factories
from tests.actions.test_workbook_export import download

D = Decimal
# The Action Table's columns as the export writes them.
TITLE, STATUS, PROGRESS, ID = "A", "H", "I", "R"


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def scene(sofia, sofia_roadmap, sofia_company):
    """Sofia's roadmap shared with its partners: "ours" led by the partner's company,
    "theirs" by an NGO; a funding line and two pledges on "ours"."""
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(visibility=Roadmap.Visibility.PARTNERS)
    sofia_roadmap.refresh_from_db()
    ngo = factories.organisation(sofia, "Green NGO", kind="ngo")
    ours = factories.action(
        sofia_roadmap, title="School programme", lead_partner=sofia_company, budget=D(1000)
    )
    theirs = factories.action(sofia_roadmap, title="Urban greening", lead_partner=ngo)
    line = FundingLine.objects.create(
        action=ours, programme="ESF+", amount=D(500), status="planned"
    )
    our_pledge = Pledge.objects.create(
        action=ours, organisation=sofia_company, kind="cash", amount=D(100), unit="EUR"
    )
    ngo_pledge = Pledge.objects.create(
        action=ours, organisation=ngo, kind="volunteer_hours", amount=D(10), unit="hours"
    )
    return {
        "ours": ours,
        "theirs": theirs,
        "ngo": ngo,
        "line": line,
        "our_pledge": our_pledge,
        "ngo_pledge": ngo_pledge,
    }


def import_url(roadmap) -> str:
    return reverse("actions:import", args=[roadmap.pk])


def exported(client, user, roadmap) -> openpyxl.Workbook:
    client.force_login(user)
    return openpyxl.load_workbook(io.BytesIO(download(client, roadmap)))


def as_file(workbook) -> io.BytesIO:
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "roadmap.xlsx"
    return out


def row_of(sheet, pk: int, column: str = ID) -> int:
    return next(cell.row for cell in sheet[column] if cell.value == pk)


def by_action(preview, action):
    return next(row for row in preview.rows if row.action_id == action.pk)


def test_an_unedited_export_is_zero_changes_for_the_partner_too(
    client, partner, scene, sofia_roadmap
):
    workbook = exported(client, partner, sofia_roadmap)
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert {row.kind for row in preview.rows} == {UNCHANGED}
    assert preview.resources.change_count == 0 and not preview.resources.counts[IGNORED]
    assert preview.change_count == 0 and not preview.can_apply
    assert "0 changes: the workbook matches the roadmap." in response.content.decode()


def test_a_partners_file_that_changes_only_what_is_not_theirs_says_so(
    client, partner, scene, sofia_roadmap
):
    """Not "the workbook matches the roadmap": it does not; nothing of it is theirs."""
    workbook = exported(client, partner, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{STATUS}{row_of(sheet, scene['theirs'].pk)}"] = "done"
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    preview = response.context["preview"]
    assert preview.counts[IGNORED] == 1 and preview.change_count == 0
    html = response.content.decode()
    assert "0 changes of yours: what the file changes is not yours to change." in html
    assert "the workbook matches the roadmap" not in html


def test_partner_workbook_applies_only_their_rows_and_lists_the_rest(
    client, partner, editor, scene, sofia_roadmap, sofia_company
):
    ours, theirs = scene["ours"], scene["theirs"]
    workbook = exported(client, partner, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{STATUS}{row_of(sheet, ours.pk)}"] = "done"
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.8
    sheet[f"{TITLE}{row_of(sheet, ours.pk)}"] = "Our own new title"
    sheet[f"{STATUS}{row_of(sheet, theirs.pk)}"] = "done"
    sheet.append(["Tree planting", "volunteering"])
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.partner
    own = by_action(preview, ours)
    assert own.kind == CHANGED
    assert {change.label for change in own.changes} == {"Status", "Progress (%)"}
    assert own.data == {"status": "done", "progress": 80}
    assert own.ignored == ["Action: School programme → Our own new title"]
    assert by_action(preview, theirs).kind == IGNORED
    (new,) = [row for row in preview.rows if row.title == "Tree planting"]
    assert new.kind == IGNORED and new.ignored[0].startswith("a new action")
    assert preview.counts[IGNORED] == 2 and preview.change_count == 1
    html = response.content.decode()
    assert "not yours, ignored" in html and "Our own new title" in html
    ticket = response.context["ticket"]
    assert ticket

    response = client.post(import_url(sofia_roadmap), {"ticket": ticket})
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.title, ours.status, ours.progress) == ("School programme", "done", 80)
    assert ours.version == 2
    assert theirs.status != "done" and theirs.version == 1
    assert not Action.objects.filter(title="Tree planting").exists()
    assert ours.history.latest().history_user == partner
    client.force_login(editor)
    history = client.get(ours.get_absolute_url()).context["history"]
    assert history[0].user == f"partner ({sofia_company.name})"


def test_partner_changing_the_title_of_their_action_is_ignored_and_listed(
    client, partner, scene, sofia_roadmap
):
    ours = scene["ours"]
    workbook = exported(client, partner, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{TITLE}{row_of(sheet, ours.pk)}"] = "Renamed by the partner"
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    own = by_action(response.context["preview"], ours)
    assert own.kind == UNCHANGED
    assert own.ignored == ["Action: School programme → Renamed by the partner"]
    assert own in response.context["rows"]
    assert response.context["ticket"] is None
    assert "Renamed by the partner" in response.content.decode()
    ours.refresh_from_db()
    assert ours.title == "School programme"


def test_errors_in_columns_not_theirs_do_not_stop_the_partner(partner, scene, sofia_roadmap):
    ours, theirs = scene["ours"], scene["theirs"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Lead partner", "Status", "Progress (%)", "ID", "Version"])
    sheet.append(["School programme", "Nobody we know", "done", 50, ours.pk, 1])
    sheet.append(["Urban greening", "Nobody either", "nonsense", 50, theirs.pk, 1])
    sheet.append([None, None, "done", 10, 999999, 1])
    preview = preview_import(sofia_roadmap, as_file(workbook), user=partner)
    own = by_action(preview, ours)
    assert own.kind == CHANGED and own.data == {"status": "done", "progress": 50}
    assert any("Nobody we know" in text for text in own.ignored)
    assert [row.kind for row in preview.rows[1:]] == [IGNORED, IGNORED]
    assert preview.can_apply and not preview.missing_organisations
    # A bad status of their own action is their error.
    sheet["C2"] = "nonsense"
    preview = preview_import(sofia_roadmap, as_file(workbook), user=partner)
    own = by_action(preview, ours)
    assert own.kind == ERROR and own.errors[0].startswith("C2: ")
    assert not preview.can_apply


def test_a_partner_row_saved_since_the_export_is_a_conflict(
    client, partner, editor, scene, sofia_roadmap
):
    ours = scene["ours"]
    workbook = exported(client, partner, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.3
    services.action_update(action=ours, data={"progress": 55}, by=editor, expected_version=1)
    preview = preview_import(sofia_roadmap, as_file(workbook), user=partner)
    assert by_action(preview, ours).kind == CONFLICT
    assert not preview.can_apply


def test_partner_adds_their_own_pledge_and_the_rest_of_the_sheets_is_ignored(
    client, partner, scene, sofia_roadmap, sofia_company
):
    ours, theirs, ngo = scene["ours"], scene["theirs"], scene["ngo"]
    workbook = exported(client, partner, sofia_roadmap)
    funding, pledges = workbook["Funding"], workbook["Pledges"]
    funding.cell(row_of(funding, scene["line"].pk, "I"), 5).value = 9999
    pledges.cell(row_of(pledges, scene["our_pledge"].pk, "J"), 5).value = 7777
    new_pledge = ["", ours.pk, sofia_company.name, "in kind", 5, "pieces", "01.06.2026"]
    pledges.append([*new_pledge, "Five laptops"])
    pledges.append(["", ours.pk, ngo.name, "cash", 50, "EUR", "01.06.2026", "Not ours"])
    pledges.append(["", theirs.pk, sofia_company.name, "cash", 50, "EUR", None, "Their action"])
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    resources = response.context["preview"].resources
    (added,) = [line for line in resources.lines if line.kind == NEW]
    assert added.data["description"] == "Five laptops"
    assert resources.counts == {
        NEW: 1,
        CHANGED: 0,
        UNCHANGED: 1,
        CONFLICT: 0,
        ERROR: 0,
        IGNORED: 4,
    }
    html = response.content.decode()
    assert "funding lines are kept by the city&#x27;s staff" in html
    assert "a pledge of another organisation" in html

    response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
    assert response.status_code == 302
    added = Pledge.objects.get(description="Five laptops")
    assert (added.organisation, added.action, added.amount) == (sofia_company, ours, D(5))
    assert added.history.latest().history_user == partner
    assert not Pledge.objects.filter(description__in=["Not ours", "Their action"]).exists()
    scene["line"].refresh_from_db()
    scene["our_pledge"].refresh_from_db()
    assert (scene["line"].amount, scene["our_pledge"].amount) == (D(500), D(100))


def test_editor_imports_the_funding_and_pledges_sheets_with_the_rows(
    client, editor, scene, sofia_roadmap
):
    ours = scene["ours"]
    workbook = exported(client, editor, sofia_roadmap)
    sheet, funding = workbook["Action Table"], workbook["Funding"]
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.25
    funding.cell(row_of(funding, scene["line"].pk, "I"), 7).value = "secured"
    funding.append(["", ours.pk, "", "Municipal budget", 200, "EUR", "requested", "New line"])
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.resources.counts[CHANGED] == 1 and preview.resources.counts[NEW] == 1
    assert preview.change_count == 3
    html = response.content.decode()
    assert "Funding lines and pledges" in html and "Municipal budget" in html
    assert "Import 3 changes" in html

    response = client.post(import_url(sofia_roadmap), {"ticket": response.context["ticket"]})
    assert response.status_code == 302
    scene["line"].refresh_from_db()
    ours.refresh_from_db()
    assert (ours.progress, scene["line"].status) == (25, "secured")
    assert FundingLine.objects.get(note="New line").amount == D(200)


def test_a_bad_line_stops_the_rows_too(client, editor, scene, sofia_roadmap):
    ours = scene["ours"]
    workbook = exported(client, editor, sofia_roadmap)
    sheet, pledges = workbook["Action Table"], workbook["Pledges"]
    sheet[f"{PROGRESS}{row_of(sheet, ours.pk)}"] = 0.25
    pledges.append(["", ours.pk, "Nobody", "cash", -5, "EUR", None, "Bad"])
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.resources.counts[ERROR] == 1 and preview.has_problems
    assert response.context["ticket"] is None
    ours.refresh_from_db()
    assert ours.progress == 0


def test_apply_is_one_transaction_with_the_lines(editor, moderator, scene, sofia_roadmap):
    """A line refused at the apply (saved since the preview) undoes the rows."""
    ours = scene["ours"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Progress (%)", "ID", "Version"])
    sheet.append(["School programme", 60, ours.pk, 1])
    funding = workbook.create_sheet("Funding")
    funding.append(["Action ID", "Amount", "ID", "Version"])
    funding.append([ours.pk, 800, scene["line"].pk, 1])
    preview = preview_import(sofia_roadmap, as_file(workbook), user=editor)
    assert preview.can_apply and preview.change_count == 2
    FundingLine.objects.filter(pk=scene["line"].pk).update(version=2)
    with pytest.raises(ImportFailed):
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    ours.refresh_from_db()
    assert (ours.progress, ours.version) == (0, 1)


@pytest.mark.parametrize(
    ("role", "visibility", "expected"),
    [
        ("anonymous", "partners", 302),
        ("partner", "partners", 200),
        ("ngo_partner", "partners", 200),
        ("shared_partner", "partners", 403),
        ("partner", "private", 404),
        ("editor", "private", 200),
        ("other_editor", "partners", 404),
        ("moderator", "partners", 200),
        ("network_admin", "private", 200),
    ],
)
def test_who_may_import_and_sees_the_link(
    request, client, scene, sofia, vratsa, sofia_roadmap, role, visibility, expected
):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(visibility=visibility)
    users = {
        "ngo_partner": lambda: factories.user("ngo", role="partner", organisation_=scene["ngo"]),
        "shared_partner": lambda: factories.user(
            "shared", role="partner", organisation_=factories.shared_organisation(sofia, vratsa)
        ),
    }
    if role in users:
        client.force_login(users[role]())
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(import_url(sofia_roadmap)).status_code == expected
    workbook = openpyxl.Workbook()
    workbook.active.title = "Action Table"
    workbook.active.append(["Action", "Status", "ID", "Version"])
    workbook.active.append(["School programme", "done", scene["ours"].pk, 1])
    response = client.post(import_url(sofia_roadmap), {"workbook": as_file(workbook)})
    assert response.status_code == expected
    assert Action.objects.get(pk=scene["ours"].pk).status != "done"
    if expected == 200:
        for name in ("actions:roadmap", "actions:timeline"):
            page = client.get(reverse(name, args=[sofia_roadmap.pk])).content.decode()
            assert import_url(sofia_roadmap) in page
    elif expected == 403:
        for name in ("actions:roadmap", "actions:timeline"):
            page = client.get(reverse(name, args=[sofia_roadmap.pk])).content.decode()
            assert import_url(sofia_roadmap) not in page


def test_the_partners_page_offers_no_template_and_explains(client, partner, scene, sofia_roadmap):
    client.force_login(partner)
    html = client.get(import_url(sofia_roadmap)).content.decode()
    assert 'id="import-partner-note"' in html
    assert reverse("actions:import_template", args=[sofia_roadmap.pk]) not in html
