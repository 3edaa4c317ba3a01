"""The upload caps of test_workbook_upload_caps.py hold for an .ods and an .xls too
(issue 14, hole 4): an .ods whose sheet (content.xml) unpacks past the sheet cap is
refused before anything parses it, and either format with more rows than the
request's preview or a job reads is refused with the limit named, on the page and
on the job's path; nothing written, nothing kept."""

from __future__ import annotations

import pathlib
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions import import_tasks
from actions.models import Action
from actions.workbook import import_, safety
from tests.actions.test_workbook_as_clients_write import FIXTURES, ods

HistoricalAction = Action.history.model
ODS_HEADER = ["Action", "Type of activity", "ID", "Version"]
# tests/actions/fixtures/new_rows.xls: two new rows under its header.
XLS_ROWS = 2


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


def _ods_rows(count: int, *, text: str = "") -> bytes:
    rows = [ODS_HEADER, *([f"Row {n} {text}", "event", "", ""] for n in range(count))]
    return ods(rows).getvalue()


def _xls() -> bytes:
    return (FIXTURES / "new_rows.xls").read_bytes()


def _refused(client, editor, roadmap, name, content, status, message, settings):
    client.force_login(editor)
    before = (Action.objects.count(), HistoricalAction.objects.count())
    response = client.post(
        reverse("actions:import", args=[roadmap.pk]),
        {"workbook": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before
    imports = pathlib.Path(settings.WORKBOOK_IMPORT_DIR)
    assert not imports.exists() or not any(path.is_file() for path in imports.rglob("*"))


def test_an_ods_sheet_over_its_cap_is_refused_with_the_limit_named(
    client, editor, sofia_roadmap, settings, monkeypatch
):
    monkeypatch.setattr(safety, "MAX_SHEET_XML_BYTES", 1024 * 1024)
    # Hex text compresses about twofold, as a sheet's does: the cap refuses it, not
    # the zip-bomb ratio.
    content = _ods_rows(3, text=secrets.token_hex(200 * 1024))
    message = "A sheet of the workbook unpacks to more than 1 MB"
    _refused(client, editor, sofia_roadmap, "roadmap.ods", content, 413, message, settings)


def test_an_ods_within_the_caps_is_previewed(client, editor, sofia_roadmap, monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHEET_XML_BYTES", 1024 * 1024)
    client.force_login(editor)
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.ods", _ods_rows(3, text="short"))},
    )
    assert response.status_code == 200
    assert len(response.context["preview"].rows) == 3


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_more_rows_than_a_preview_reads_are_refused(
    client, editor, sofia_roadmap, settings, monkeypatch, fmt
):
    # Below the background limit the request previews the file itself, up to its cap.
    settings.BACKGROUND_ROWS = 100
    monkeypatch.setattr(import_, "MAX_ROWS", XLS_ROWS - 1)
    content = _ods_rows(XLS_ROWS) if fmt == "ods" else _xls()
    message = f"more than {XLS_ROWS - 1} rows"
    _refused(client, editor, sofia_roadmap, f"roadmap.{fmt}", content, 422, message, settings)


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_more_rows_than_a_job_reads_are_refused(
    client, editor, sofia_roadmap, settings, monkeypatch, fmt
):
    # Over the background limit a job would preview it, up to its own cap: refused by
    # the request, even a row past it (within the rows the reader searches for the
    # header, which went to a job that then failed).
    settings.BACKGROUND_ROWS = 0
    monkeypatch.setattr(import_tasks, "JOB_MAX_ROWS", XLS_ROWS - 1)
    content = _ods_rows(XLS_ROWS) if fmt == "ods" else _xls()
    message = f"more than {XLS_ROWS - 1} rows"
    _refused(client, editor, sofia_roadmap, f"roadmap.{fmt}", content, 422, message, settings)


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_a_file_over_the_background_limit_goes_to_a_job(
    client, editor, sofia_roadmap, settings, fmt
):
    """Within the job's cap, the same file is kept and previewed by a job."""
    settings.BACKGROUND_ROWS = XLS_ROWS - 1
    client.force_login(editor)
    content = _ods_rows(XLS_ROWS) if fmt == "ods" else _xls()
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile(f"roadmap.{fmt}", content)},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/jobs/")
