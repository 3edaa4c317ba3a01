"""Uploads are sized to what one request carries: caps on each sheet's XML and on the
shared strings (unpacked, read from the zip's records before anything is parsed), a
row cap for the synchronous preview, each refusal naming its limit, nothing written
and nothing kept (how fast and in how much memory: `make bench`,
bad_upload_vs_good_upload)."""

from __future__ import annotations

import io
import pathlib
import secrets
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Action
from actions.workbook import import_, safety
from tests.actions.test_workbook_upload_safety import good_workbook, rezip

HistoricalAction = Action.history.model
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


def test_the_caps_are_what_one_request_carries():
    assert import_.MAX_ROWS == 2_000
    assert safety.MAX_SHEET_XML_BYTES == 32 * 1024 * 1024
    assert safety.MAX_SHARED_STRINGS_BYTES == 16 * 1024 * 1024
    assert (
        safety.MAX_SHARED_STRINGS_BYTES < safety.MAX_SHEET_XML_BYTES < (safety.MAX_UNPACKED_BYTES)
    )


def _refused(client, editor, roadmap, content: bytes, status: int, message: str, settings):
    client.force_login(editor)
    before = (Action.objects.count(), HistoricalAction.objects.count())
    response = client.post(
        reverse("actions:import", args=[roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", content)},
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before
    imports = pathlib.Path(settings.WORKBOOK_IMPORT_DIR)
    assert not imports.exists() or not any(imports.rglob("*.xlsx"))


def _noise(size: int) -> bytes:
    """Text that compresses about as well as a sheet's (not a zip bomb's ratio)."""
    return secrets.token_hex(size // 2).encode()


def _shared_strings(size: int) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="x"><si><t>'
    return head + _noise(size) + b"</t></si></sst>"


@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHARED_STRINGS_BYTES", 256 * 1024)
    monkeypatch.setattr(safety, "MAX_SHEET_XML_BYTES", 1024 * 1024)


def test_shared_strings_over_their_cap_are_refused(
    client, editor, sofia_roadmap, settings, small_caps
):
    content = rezip(good_workbook(), add={"xl/sharedStrings.xml": _shared_strings(300 * 1024)})
    _refused(client, editor, sofia_roadmap, content, 413, "shared strings", settings)


def test_shared_strings_under_another_name_are_capped_too(
    client, editor, sofia_roadmap, settings, small_caps
):
    good = good_workbook()
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        types = source.read("[Content_Types].xml")
    override = f'<Override ContentType="{SHARED_STRINGS_TYPE}" PartName="/xl/words.xml"/>'
    content = rezip(
        good,
        replace={
            "[Content_Types].xml": types.replace(b"</Types>", override.encode() + b"</Types>")
        },
        add={"xl/words.xml": _shared_strings(300 * 1024)},
    )
    _refused(client, editor, sofia_roadmap, content, 413, "shared strings", settings)


def test_a_sheet_over_its_cap_is_refused_with_the_limit_named(
    client, editor, sofia_roadmap, settings, small_caps
):
    good = good_workbook()
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"</worksheet>", b"<!--" + _noise(1100 * 1024) + b"--></worksheet>")
    content = rezip(good, replace={"xl/worksheets/sheet1.xml": padded})
    _refused(
        client,
        editor,
        sofia_roadmap,
        content,
        413,
        "A sheet of the workbook unpacks to more than 1 MB",
        settings,
    )


def test_a_sheet_within_the_caps_is_previewed(client, editor, sofia_roadmap, small_caps):
    content = rezip(good_workbook(), add={"xl/sharedStrings.xml": _shared_strings(200 * 1024)})
    client.force_login(editor)
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", content)},
    )
    assert response.status_code == 200


def _rows(count: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Action Table")
    sheet.append(["Action", "Type of activity", "ID", "Version"])
    for n in range(count):
        sheet.append([f"Row {n}", "event", None, None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_more_rows_than_a_preview_reads_are_refused_with_the_limit_named(
    client, editor, sofia_roadmap, settings
):
    # Below the background limit the request previews the file itself, up to its cap.
    settings.BACKGROUND_ROWS = import_.MAX_ROWS + 100
    content = _rows(import_.MAX_ROWS + 1)
    _refused(client, editor, sofia_roadmap, content, 422, "more than 2000 rows", settings)


def test_more_rows_than_a_job_reads_are_refused_with_the_limit_named(
    client, editor, sofia_roadmap, settings, monkeypatch
):
    # Over the background limit a job would preview it, up to its own cap.
    from actions import import_tasks

    settings.BACKGROUND_ROWS = 5
    monkeypatch.setattr(import_tasks, "JOB_MAX_ROWS", 40)
    _refused(client, editor, sofia_roadmap, _rows(60), 422, "more than 40 rows", settings)


def test_as_many_rows_as_the_cap_are_previewed(client, editor, sofia_roadmap, monkeypatch):
    monkeypatch.setattr(import_, "MAX_ROWS", 50)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Action Table")
    sheet.append(["Action", "Type of activity", "ID", "Version"])
    for n in range(50):
        sheet.append([f"Row {n}", "event", None, None])
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(editor)
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", out.getvalue())},
    )
    assert response.status_code == 200
    assert response.context["counts"]["new"] == 50
