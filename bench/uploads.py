"""The upload case: how fast, and in how much memory, the import page refuses a bad
file, against the preview of a good one of the table's size, both through the same
view. The bad files are the trust issues' (issue 7's containers, issue 14's sizes:
shared strings and a sheet past their caps, an .ods sheet past its cap, more rows
than a preview reads and than a background job reads)."""

from __future__ import annotations

import io
import os
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings
from django.test.client import ClientHandler
from django.urls import reverse
from openpyxl import load_workbook

from actions.import_tasks import JOB_MAX_ROWS
from actions.models import Roadmap
from actions.workbook.import_ import MAX_ROWS
from actions.workbook.labels import label
from actions.workbook.safety import (
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_XML_BYTES,
    MAX_UPLOAD_BYTES,
)

from .common import write_our_workbook
from .timing import Runs, compare, timed

# The bound the trust issue sets for refusing any bad file.
BOUND_SECONDS = 2.0
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


def _rezip(content: bytes, *, replace=None, add=None) -> bytes:
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


# Random bits written as "0" and "1": text that deflate shrinks about sevenfold, as
# it does a sheet's XML, so that the size caps (not the zip-bomb ratio) refuse it.
_BITS = bytes(ord("0") + (byte & 1) for byte in range(256))


def _text(size: int) -> bytes:
    return os.urandom(size).translate(_BITS)


def _with_rows(good: bytes, count: int) -> bytes:
    """``good`` with ``count`` more rows on its Action Table sheet."""
    workbook = load_workbook(io.BytesIO(good))
    sheet = workbook[label("sheet_actions")]
    for number in range(count):
        sheet.append([f"Row {number}", "event"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _ods_sheet_over_cap() -> bytes:
    """An OpenDocument spreadsheet whose one sheet (content.xml) unpacks past the cap."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "content.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><!--'
            + _text(MAX_SHEET_XML_BYTES + 1024)
            + b"--></office:document-content>",
        )
    return out.getvalue()


def bad_files(good: bytes) -> dict[str, bytes]:
    """The bad uploads of the trust issue, made from a good workbook."""
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        types = source.read("[Content_Types].xml")
        sheet = source.read("xl/worksheets/sheet1.xml")
    macro_types = types.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    if sheet.startswith(b"<?xml"):
        sheet = sheet.split(b"?>", 1)[1]
    return {
        "oversize": good + b"\x00" * MAX_UPLOAD_BYTES,
        "not_a_zip": b"Name,Status\nSchool,done\n",
        "zip_bomb": _rezip(good, add={"xl/media/zeros.bin": b"\x00" * (50 * 1024 * 1024)}),
        "too_many_entries": _rezip(good, add={f"xl/extra/{n}.xml": b"<a/>" for n in range(1200)}),
        "xml_entities": _rezip(good, replace={"xl/worksheets/sheet1.xml": LAUGHS + sheet}),
        "macro_workbook": _rezip(
            good,
            replace={"[Content_Types].xml": macro_types},
            add={"xl/vbaProject.bin": b"\x00" * 100},
        ),
        "shared_strings_over_cap": _rezip(
            good,
            add={
                "xl/sharedStrings.xml": b'<sst xmlns="x"><si><t>'
                + _text(MAX_SHARED_STRINGS_BYTES + 1024)
                + b"</t></si></sst>"
            },
        ),
        "sheet_over_cap": _rezip(
            good,
            replace={
                "xl/worksheets/sheet1.xml": sheet.replace(
                    b"</worksheet>",
                    b"<!--" + _text(MAX_SHEET_XML_BYTES + 1024) + b"--></worksheet>",
                )
            },
        ),
        "too_many_rows": _with_rows(good, MAX_ROWS + 1),
        # More rows than a background job reads: what the request refuses whatever the
        # background limit (past the preview's own cap the page hands a file to a job).
        "too_many_rows_for_a_job": _with_rows(good, JOB_MAX_ROWS + 1),
        "ods_sheet_over_cap": _ods_sheet_over_cap(),
    }


def _post(client: Client, url: str, content: bytes, statuses: set[int]) -> Callable[[], object]:
    def run():
        response = client.post(url, {"workbook": SimpleUploadedFile("roadmap.xlsx", content)})
        if response.status_code not in statuses:
            raise RuntimeError(f"{url} answered {response.status_code}, not {statuses}")

    return run


def peak_bytes(client: Client, url: str, content: bytes) -> int:
    """The Python memory the server allocates at the peak of one upload of ``content``
    (tracemalloc). The request is encoded before the measurement, so that the figure
    is the server's own: the test client holds the body twice while encoding it."""
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    environ = (
        RequestFactory()
        .post(url, {"workbook": SimpleUploadedFile("roadmap.xlsx", content)}, HTTP_COOKIE=cookies)
        .environ
    )
    tracemalloc.start()
    try:
        ClientHandler(enforce_csrf_checks=False)(environ)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def bad_upload_vs_good_upload(roadmap: Roadmap, client: Client, *, repeat: int):
    """Per bad file: its refusal ÷ the preview of ``roadmap``'s own workbook, as timed
    runs of each; and the peak (Python) memory of one refusal and of the preview."""
    good_file = io.BytesIO()
    write_our_workbook(roadmap, good_file)
    good = good_file.getvalue()
    url = reverse("actions:import", args=[roadmap.pk])
    per_kind: dict[str, tuple[Runs, Runs]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="csr-bench-imports-") as imports,
        # The request's own preview, however large the table (past BACKGROUND_ROWS
        # the page would hand it to a job).
        override_settings(WORKBOOK_IMPORT_DIR=imports, BACKGROUND_ROWS=10**9),
    ):
        preview = _post(client, url, good, {200})
        preview()  # untimed, unmeasured: imports and caches are not the preview's
        peaks = {"good_preview": peak_bytes(client, url, good)}
        for kind, content in bad_files(good).items():
            refusal = _post(client, url, content, {400, 413, 422})
            timed(refusal)
            peaks[kind] = peak_bytes(client, url, content)
            per_kind[kind] = compare(refusal, preview, repeat=repeat)
    return per_kind, peaks
