"""The Funding and Pledges sheets back in (issue 16): an unedited file is 0 changes,
edited and new lines are previewed and applied all or nothing through the
services, stale lines are conflicts and bad cells errors with their address."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from actions import services
from actions.models import FundingLine, Pledge
from actions.workbook.import_apply import apply_resources
from actions.workbook.import_resources import preview_resources
from actions.workbook.preview import CHANGED, CONFLICT, ERROR, IGNORED, NEW, UNCHANGED, ImportFailed
from core.history_reasons import reason_text
from tests import factories
from tests.actions.test_workbook_in_libreoffice import soffice  # noqa: F401 (a fixture)
from tests.actions.test_workbook_resources import _export
from tests.actions.test_workbook_resources import resources as resources

D = Decimal


def _edited(content: bytes, edit) -> io.BytesIO:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _row_of(sheet, pk: int, id_column: int) -> int:
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[id_column - 1].value == pk)


@pytest.mark.parametrize("language", ["en", "bg"])
def test_an_unedited_workbook_is_zero_changes(resources, sofia_roadmap, language):
    content = _export(sofia_roadmap, language)
    with translation.override(language):
        preview = preview_resources(sofia_roadmap, io.BytesIO(content))
    assert preview.counts == {NEW: 0, CHANGED: 0, UNCHANGED: 6, CONFLICT: 0, ERROR: 0, IGNORED: 0}
    assert preview.change_count == 0


def test_edited_and_new_lines_are_previewed_and_applied(resources, sofia_roadmap, editor):
    esf, company, _budget = resources["lines"]
    cash, hours, _days = resources["pledges"]

    def edit(workbook):
        funding, pledges = workbook["Funding"], workbook["Pledges"]
        row = _row_of(funding, esf.pk, 9)
        funding.cell(row, 5).value = 3000
        funding.cell(row, 7).value = "received"
        row = _row_of(pledges, hours.pk, 10)
        pledges.cell(row, 8).value = "Четиридесет часа, „доброволци“\nвтори ред"
        pledges.append(
            [
                "ignored title",
                cash.action_id,
                resources["ngo"].name,
                "pro bono expertise",
                "3",
                "days",
                "15.06.2026",
                "A new pledge",
                999,  # delivered to date: never read back
                None,
                None,
            ]
        )

    upload = _edited(_export(sofia_roadmap), edit)
    with translation.override("en"):
        preview = preview_resources(sofia_roadmap, upload)
    assert preview.counts[CHANGED] == 2 and preview.counts[NEW] == 1
    assert not preview.has_problems
    changed = {line.pk: line for line in preview.lines if line.kind == CHANGED}
    assert {change.new for change in changed[esf.pk].changes} == {"3,000", "received"}

    done = apply_resources(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert done == {NEW: 1, CHANGED: 2}
    esf.refresh_from_db()
    hours.refresh_from_db()
    assert (esf.amount, esf.status, esf.version) == (D(3000), "received", 2)
    assert hours.description == "Четиридесет часа, „доброволци“\nвтори ред"
    new = Pledge.objects.get(description="A new pledge")
    assert (new.organisation, new.kind, new.amount, new.unit) == (
        resources["ngo"],
        "pro_bono",
        D(3),
        "days",
    )
    assert not new.deliveries.exists()
    record = esf.history.latest("history_date")
    with translation.override("en"):
        assert (record.history_user, reason_text(record.history_change_reason)) == (
            editor,
            "imported from a workbook",
        )
    # The same file again changes nothing more than what is now stale.
    company.refresh_from_db()
    assert company.version == 1


def test_a_funding_lines_currency_takes_the_signs_people_write(resources, sofia_roadmap):
    """A funding line's currency written "€" or "евро", as sheets write it: it was
    "not a known currency"."""
    esf = resources["lines"][0]

    def edit(workbook):
        funding = workbook["Funding"]
        funding.cell(_row_of(funding, esf.pk, 9), 6).value = " € "

    with translation.override("en"):
        preview = preview_resources(sofia_roadmap, _edited(_export(sofia_roadmap), edit))
    (line,) = [
        line for line in preview.lines if line.pk == esf.pk and line.sheet == "sheet_funding"
    ]
    assert line.errors == []
    assert esf.currency == "EUR" and line.kind == UNCHANGED


def test_a_line_changed_since_the_export_is_a_conflict(resources, sofia_roadmap, editor):
    esf = resources["lines"][0]
    content = _export(sofia_roadmap)
    services.funding_line_update(
        funding_line=esf, data={"note": "changed meanwhile"}, by=editor, expected_version=1
    )

    def edit(workbook):
        funding = workbook["Funding"]
        funding.cell(_row_of(funding, esf.pk, 9), 5).value = 1

    preview = preview_resources(sofia_roadmap, _edited(content, edit))
    (conflict,) = [line for line in preview.lines if line.kind == CONFLICT]
    assert (conflict.pk, conflict.version, conflict.current_version) == (esf.pk, 1, 2)
    with pytest.raises(ImportFailed):
        apply_resources(roadmap=sofia_roadmap, preview=preview, by=editor)
    esf.refresh_from_db()
    assert esf.amount == D("2500.50")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (6, "EUR", "counted in"),  # volunteer hours in EUR
        (5, "-4", "cannot be negative"),
        (3, "Nobody Ltd", "no single organisation"),
        (4, "gold", "not a known"),
    ],
)
def test_bad_cells_are_errors_with_their_address(
    resources, sofia_roadmap, editor, column, value, message
):
    hours = resources["pledges"][1]
    address = {}

    def edit(workbook):
        pledges = workbook["Pledges"]
        row = _row_of(pledges, hours.pk, 10)
        pledges.cell(row, column).value = value
        address["cell"] = f"{openpyxl.utils.get_column_letter(column)}{row}"

    with translation.override("en"):
        preview = preview_resources(sofia_roadmap, _edited(_export(sofia_roadmap), edit))
    (error,) = [line for line in preview.lines if line.kind == ERROR]
    assert any(e.startswith(address["cell"]) and message in e for e in error.errors), (
        error.errors,
        address,
    )


def test_a_pledge_by_an_organisation_outside_the_working_group(resources, sofia_roadmap, vratsa):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    hours = resources["pledges"][1]

    def edit(workbook):
        pledges = workbook["Pledges"]
        pledges.cell(_row_of(pledges, hours.pk, 10), 3).value = outsider.name

    preview = preview_resources(sofia_roadmap, _edited(_export(sofia_roadmap), edit))
    assert preview.counts[ERROR] == 1


def test_the_apply_is_all_or_nothing(resources, sofia_roadmap, editor, moderator):
    esf, company, _budget = resources["lines"]

    def edit(workbook):
        funding = workbook["Funding"]
        funding.cell(_row_of(funding, esf.pk, 9), 5).value = 10
        funding.cell(_row_of(funding, company.pk, 9), 5).value = 20

    preview = preview_resources(sofia_roadmap, _edited(_export(sofia_roadmap), edit))
    assert preview.counts[CHANGED] == 2
    # Between the preview and the apply, somebody changes the second line.
    services.funding_line_update(
        funding_line=company, data={"note": "meanwhile"}, by=moderator, expected_version=1
    )
    with pytest.raises(ImportFailed):
        apply_resources(roadmap=sofia_roadmap, preview=preview, by=editor)
    esf.refresh_from_db()
    assert (esf.amount, esf.version) == (D("2500.50"), 1)
    assert FundingLine.objects.get(pk=company.pk).amount == D(1000)


def test_a_workbook_without_the_sheets_leaves_the_resources_alone(resources, sofia_roadmap):
    def edit(workbook):
        del workbook["Funding"]
        del workbook["Pledges"]

    preview = preview_resources(sofia_roadmap, _edited(_export(sofia_roadmap), edit))
    assert preview.lines == []


def test_saved_by_libreoffice_the_sheets_come_back_as_zero_changes(
    soffice,  # noqa: F811
    resources,
    sofia_roadmap,
    tmp_path,
):
    exported = tmp_path / "roadmap.xlsx"
    exported.write_bytes(_export(sofia_roadmap, "bg"))
    back = soffice(soffice(exported, "ods"), "xlsx:Calc MS Excel 2007 XML")
    with translation.override("bg"):
        preview = preview_resources(sofia_roadmap, io.BytesIO(back.read_bytes()))
    assert preview.counts[UNCHANGED] == 6 and preview.change_count == 0
    assert not preview.has_problems


def test_the_preview_reads_only_the_actions_its_lines_name(resources, sofia_roadmap):
    """The lines' actions come from one query of the ids the lines name, not every
    action of the roadmap (at 10,000 actions that was a tenth of the preview)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        factories.action(sofia_roadmap, title=f"Without a line {n}")
    content = _export(sofia_roadmap)
    named = set(FundingLine.objects.values_list("action_id", flat=True)) | set(
        Pledge.objects.values_list("action_id", flat=True)
    )
    with CaptureQueriesContext(connection) as queries:
        preview = preview_resources(sofia_roadmap, io.BytesIO(content))
    assert preview.counts[UNCHANGED] == 6
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "actions_action"."id"') and "INNER JOIN" in q["sql"]
    ]
    assert len(reads) == 1, reads
    listed = re.search(r'"actions_action"\."id" IN \(([\d, ]+)\)', reads[0])
    assert listed and {int(pk) for pk in listed.group(1).split(",")} == named
