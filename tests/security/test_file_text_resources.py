"""Text users typed never breaks a file, for the resources and organisations too
(issue 14; test_file_text.py has the table, the meetings and the people): funding
lines' programmes and notes, pledges' descriptions, deliveries' notes, and
organisations' aliases and notes hold CR, LF, NUL, other C0 controls, U+FFFE and an
emoji; the workbook (its Funding and Pledges sheets), the workbook a job writes, the
partner's statement and the blank template download with 200 and hold the text
minus the controls, and the exported workbook comes back into the import's preview.
The admin's minutes download and its pages are private and not stored, as the site's.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Delivery, FundingLine, Pledge
from actions.workbook.labels import LISTS_SHEET, label
from jobs.models import Job
from stakeholders.models import Organisation
from tests import factories

from .test_file_text import (
    IN_MINUTES,
    NUL,
    _assert_clean,
    _docx_text,
    _markers,
    _xlsx_text,
    poisoned,
    poisoned_world,
)

__all__ = ["poisoned_world"]  # the fixture, used by name below


@pytest.fixture
def resources(poisoned_world):
    """The poisoned roadmap's action given a funding line of each kind of funder, a
    pledge of its key partner with a delivery, and its organisations poisoned aliases."""
    roadmap = poisoned_world["roadmap"]
    action = roadmap.actions.get()
    lead, partner = action.lead_partner, action.key_partners.get()
    for organisation in (lead, partner):
        key = "lead" if organisation == lead else "partner"
        Organisation.objects.filter(pk=organisation.pk).update(
            aliases=poisoned(f"{key}_aliases"), notes=poisoned(f"{key}_notes")
        )
    FundingLine.objects.create(
        action=action,
        programme=poisoned("funding_programme")[:200],
        amount=1000,
        status="secured",
        note=poisoned("funding_note"),
    )
    FundingLine.objects.create(action=action, funder=lead, amount=500, note=poisoned("fund2_note"))
    pledge = Pledge.objects.create(
        action=action,
        organisation=partner,
        kind="cash",
        amount=300,
        unit="EUR",
        date=datetime.date(2026, 1, 10),
        description=poisoned("pledge_description"),
    )
    Delivery.objects.create(
        pledge=pledge, amount=100, date=datetime.date(2026, 2, 1), note=poisoned("delivery_note")
    )
    return {"roadmap": roadmap, "partner": partner}


def _sheet_text(content: bytes, title: str) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content))[title]
    return "\n".join(
        str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None
    )


IN_FUNDING = _markers(
    "action_title", "funding_programme", "funding_note", "fund2_note", "lead_name"
)
IN_PLEDGES = _markers("action_title", "partner_name", "pledge_description")
IN_STATEMENT = _markers("action_title", "pledge_description", "delivery_note")


def test_the_workbooks_resource_sheets_hold_the_text_without_controls(client, editor, resources):
    client.force_login(editor)
    response = client.get(reverse("actions:export", args=[resources["roadmap"].pk]))
    assert response.status_code == 200
    content = response.getvalue()
    _assert_clean(_sheet_text(content, label("sheet_funding")), IN_FUNDING, "the Funding sheet")
    _assert_clean(_sheet_text(content, label("sheet_pledges")), IN_PLEDGES, "the Pledges sheet")


def test_the_workbook_a_job_writes_holds_the_text_without_controls(
    client, editor, resources, settings
):
    settings.BACKGROUND_ROWS = 0  # the export goes to a job (run at once in the suite)
    client.force_login(editor)
    response = client.get(reverse("actions:export", args=[resources["roadmap"].pk]))
    job = Job.objects.get(kind=Job.Kind.EXPORT)
    assert response["Location"] == job.get_absolute_url()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    _assert_clean(_xlsx_text(content), _markers("roadmap_title", "action_title"), "the job's file")
    _assert_clean(_sheet_text(content, label("sheet_pledges")), IN_PLEDGES, "its Pledges sheet")


def test_the_partners_statement_holds_the_text_without_controls(client, editor, resources):
    client.force_login(editor)
    url = reverse(
        "actions:partner_statement", args=[resources["roadmap"].pk, resources["partner"].pk]
    )
    response = client.get(url)
    assert response.status_code == 200
    _assert_clean(_xlsx_text(response.getvalue()), IN_STATEMENT, "the statement")


def test_the_import_template_holds_the_challenges_without_controls(client, editor, resources):
    """The template's dropdown of challenges lists their titles (a 500 before)."""
    client.force_login(editor)
    response = client.get(reverse("actions:import_template", args=[resources["roadmap"].pk]))
    assert response.status_code == 200
    lists = _sheet_text(response.getvalue(), LISTS_SHEET)
    _assert_clean(lists, _markers("challenge_title"), "the template's lists")


def test_a_challenge_title_is_text_in_the_template_never_a_formula(client, editor, sofia):
    roadmap = factories.roadmap(sofia)
    factories.challenge(roadmap, title='=HYPERLINK("http://evil.example","Click")')
    factories.challenge(roadmap, title="\uff1dSUM(A1:A2)")
    client.force_login(editor)
    response = client.get(reverse("actions:import_template", args=[roadmap.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue()))[LISTS_SHEET]
    column = [sheet.cell(row=row, column=4) for row in (1, 2)]
    assert [cell.value for cell in column] == [
        '=HYPERLINK("http://evil.example","Click")',
        "\uff1dSUM(A1:A2)",
    ]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in column)


def test_the_exported_workbook_comes_back_into_the_preview(
    client, editor, resources, settings, tmp_path
):
    """The organisations' poisoned names and aliases are what the import matches the
    Partners, Funding and Pledges columns against: the preview answers, not a 500."""
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path)
    client.force_login(editor)
    roadmap = resources["roadmap"]
    exported = client.get(reverse("actions:export", args=[roadmap.pk])).getvalue()
    response = client.post(
        reverse("actions:import", args=[roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", exported)},
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    # As it went out: nothing to change, no name unknown (the names had controls and
    # line breaks the cells could not hold; a partner's list is split at line breaks).
    assert [(row.kind, row.errors) for row in preview.rows] == [("unchanged", [])]
    assert [(line.sheet, line.kind, line.errors) for line in preview.resources.lines] == [
        ("sheet_funding", "unchanged", []),
        ("sheet_funding", "unchanged", []),
        ("sheet_pledges", "unchanged", []),
        ("sheet_indicators", "unchanged", []),
    ]
    assert not preview.column_errors


def test_an_alias_full_of_controls_still_names_its_organisation(
    client, editor, sofia, settings, tmp_path
):
    """A hand-made file's partner typed as an alias is matched through the alias the
    admin keeps, whatever controls a paste left around it (a cell holds none)."""
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path)
    roadmap = factories.roadmap(sofia)
    chamber = factories.organisation(
        sofia, "Bulgarian Chamber", aliases=f"{NUL}\x07BCCI\r\n\ufffe🚲"
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Type of activity", "Lead partner"])
    sheet.append(["School visits", "event", "BCCI"])
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(editor)
    response = client.post(
        reverse("actions:import", args=[roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", out.getvalue())},
    )
    assert response.status_code == 200
    (row,) = response.context["preview"].rows
    assert (row.kind, row.errors, row.data.get("lead_partner")) == ("new", [], chamber.pk)


def test_the_admins_minutes_download_is_clean_private_and_not_stored(
    client, moderator, poisoned_world
):
    """The cockpit's "Download the minutes" writes the same document as the page's."""
    client.force_login(moderator)
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "download_minutes", ACTION_CHECKBOX_NAME: [poisoned_world["meeting"].pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    _assert_clean(_docx_text(response.content), IN_MINUTES, "the admin's minutes")
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_admins_pages_are_private_and_not_stored(client, moderator, resources):
    client.force_login(moderator)
    pledge = Pledge.objects.get()
    for url in (
        reverse("admin:index"),
        reverse("admin:actions_pledge_changelist"),
        reverse("admin:actions_pledge_change", args=[pledge.pk]),
        reverse("admin:actions_pledge_history", args=[pledge.pk]),
        reverse("admin:stakeholders_person_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
