"""Bad files are refused with a clear 4xx, before openpyxl parses anything, in
bounded memory, and nothing is written (how fast: `make bench`, bad_upload_vs_good_upload)."""

from __future__ import annotations

import io
import pathlib
import tracemalloc
import zipfile

import openpyxl
import openpyxl as openpyxl_module
import pytest
from defusedxml import EntitiesForbidden
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse

from actions.models import Action
from actions.workbook.import_ import preview_import
from actions.workbook.preview import WorkbookRejected
from actions.workbook.safety import MAX_UPLOAD_BYTES
from tests import factories

HistoricalAction = Action.history.model
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


def good_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Type of activity", "ID", "Version"])
    sheet.append(["New row", "event", None, None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(content: bytes, *, replace=None, add=None, drop=()) -> bytes:
    """A copy of the workbook with parts replaced, added or dropped."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


def with_entity_sheet(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    if sheet.startswith("<?xml"):
        sheet = sheet.split("?>", 1)[1]
    row = '<row r="9"><c r="A9" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    sheet = LAUGHS + sheet.replace("</sheetData>", row + "</sheetData>", 1)
    return rezip(content, replace={"xl/worksheets/sheet1.xml": sheet.encode()})


def macro_workbook(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return rezip(
        content,
        replace={"[Content_Types].xml": types.encode()},
        add={"xl/vbaProject.bin": b"\x00" * 100},
    )


def zip_bomb() -> bytes:
    # 50 MB of zeros packs into about 50 kB: a ratio no workbook has.
    return rezip(good_workbook(), add={"xl/media/zeros.bin": b"\x00" * (50 * 1024 * 1024)})


def many_entries() -> bytes:
    return rezip(good_workbook(), add={f"xl/extra/{n}.xml": b"<a/>" for n in range(1200)})


def no_action_sheet() -> bytes:
    """No sheet is named as the export names it, and none has a header row the import
    recognises (a hand-made sheet of another name with one is read: issue 18)."""
    workbook = openpyxl.load_workbook(io.BytesIO(good_workbook()))
    workbook.active.title = "Sheet1"
    for cell in workbook.active[1]:
        cell.value = f"Column {cell.column}" if cell.value else None
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods_with_macros() -> bytes:
    from tests.actions.test_workbook_as_clients_write import HEADER, ods

    return ods([HEADER], extra_parts={"Basic/Standard/Module1.xml": "<a/>"}).getvalue()


def xls_with_macros() -> bytes:
    from tests.actions.test_workbook_as_clients_write import FIXTURES

    # The macro project's name split across two of the pieces the check reads.
    content = (FIXTURES / "new_rows.xls").read_bytes()
    padding = b"\x00" * (1024 * 1024 - len(content) - 5)
    return content + padding + "_VBA_PROJECT_CUR".encode("utf-16-le")


BAD_FILES = {
    "ods_with_macros": (ods_with_macros, 400, "macros"),
    "xls_with_macros": (xls_with_macros, 400, "macros"),
    "not_a_zip": (lambda: b"Name,Status\nSchool,done\n", 400, "not a workbook the import reads"),
    "zip_without_workbook": (
        lambda: rezip(good_workbook(), drop=("xl/workbook.xml",)),
        400,
        "not a workbook the import reads",
    ),
    "zip_bomb": (zip_bomb, 400, "unpacks to far more"),
    "too_many_entries": (many_entries, 400, "too many parts"),
    "xml_entities": (lambda: with_entity_sheet(good_workbook()), 400, "XML declarations"),
    "macro_workbook": (lambda: macro_workbook(good_workbook()), 400, "macros"),
    "no_action_table": (no_action_sheet, 422, "looks like an Action Table"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_refused_and_nothing_written(client, editor, sofia_roadmap, kind):
    make, status, message = BAD_FILES[kind]
    content = make()
    client.force_login(editor)
    before = (Action.objects.count(), HistoricalAction.objects.count())
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", content)},
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before


def oversize() -> bytes:
    return good_workbook() + b"\x00" * MAX_UPLOAD_BYTES


def test_oversize_upload_is_413_and_nothing_written(client, editor, sofia_roadmap, settings):
    client.force_login(editor)
    content = oversize()
    before = (Action.objects.count(), HistoricalAction.objects.count())
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", content)},
    )
    assert response.status_code == 413
    assert "larger than 10 MB" in response.content.decode()
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before
    imports = pathlib.Path(settings.WORKBOOK_IMPORT_DIR)
    assert not imports.exists() or not any(imports.iterdir())  # no upload kept for later


# What the server may allocate to refuse a bad file. The zip bomb unpacks to 50 MB
# and the oversize upload is 10 MB: reading either whole would pass this many times.
REFUSAL_MEMORY_BYTES = 8 * 1024 * 1024


@pytest.mark.parametrize("kind", [*BAD_FILES, "oversize"])
def test_bad_file_is_refused_in_bounded_memory(client, editor, sofia_roadmap, kind):
    content = oversize() if kind == "oversize" else BAD_FILES[kind][0]()
    client.force_login(editor)
    url = reverse("actions:import", args=[sofia_roadmap.pk])
    # The request is encoded before the measurement, so that the figure is the
    # server's own: the test client would hold the body twice while encoding it.
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    environ = (
        RequestFactory()
        .post(url, {"workbook": SimpleUploadedFile("roadmap.xlsx", content)}, HTTP_COOKIE=cookies)
        .environ
    )
    del content
    tracemalloc.start()
    try:
        response = ClientHandler(enforce_csrf_checks=False)(environ)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code in (400, 413, 422)
    assert peak < REFUSAL_MEMORY_BYTES, f"{kind}: {peak / 1e6:.1f} MB to refuse it"


def test_a_good_file_passes_the_checks(client, editor, sofia_roadmap):
    client.force_login(editor)
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("anything.bin", good_workbook())},
    )
    assert response.status_code == 200
    assert response.context["preview"].counts["new"] == 1


def test_entity_declarations_are_refused_even_past_our_check(sofia_roadmap):
    """Even past our own check, neither openpyxl (through defusedxml) nor
    python-calamine (which the import reads with) expands an entity."""
    assert openpyxl_module.DEFUSEDXML is True
    with pytest.raises(ValueError) as failed:
        openpyxl.load_workbook(io.BytesIO(with_entity_sheet(good_workbook())))
    assert isinstance(failed.value.__cause__, EntitiesForbidden)
    factories.action(sofia_roadmap)
    with pytest.raises(WorkbookRejected) as refused:
        preview_import(sofia_roadmap, io.BytesIO(with_entity_sheet(good_workbook())))
    assert refused.value.status == 400


# --- Crafted zip containers: whatever zipfile, zlib or openpyxl raise on them, the
# answer is a clear 400, never a 500. -------------------------------------------------


def patch_central_directory(content: bytes, name: str, *, flags=None, method=None) -> bytes:
    """``content`` with the flags or compression method of part ``name`` changed in
    the zip's central directory (what zipfile trusts), as a crafted file would."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == name.encode():
            if flags is not None:
                old = int.from_bytes(data[at + 8 : at + 10], "little")
                data[at + 8 : at + 10] = (old | flags).to_bytes(2, "little")
            if method is not None:
                data[at + 10 : at + 12] = method.to_bytes(2, "little")
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"no part named {name}")


def corrupt_part(content: bytes, name: str) -> bytes:
    """``content`` with the compressed bytes of part ``name`` overwritten."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    data = bytearray(content)
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


def broken_sheet_xml() -> bytes:
    """A container that passes every check, with a sheet that is not well-formed XML."""
    with zipfile.ZipFile(io.BytesIO(good_workbook())) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"</sheetData>", b'<row r="3"><c r="A3"><v>1</c></row></sheetData>')
    return rezip(good_workbook(), replace={"xl/worksheets/sheet1.xml": sheet})


def broken_workbook_xml() -> bytes:
    """A container that passes every check, with a workbook part that is not well-formed."""
    with zipfile.ZipFile(io.BytesIO(good_workbook())) as source:
        part = source.read("xl/workbook.xml")
    part = part.replace(b"</sheets>", b"<sheet></sheets>", 1)
    return rezip(good_workbook(), replace={"xl/workbook.xml": part})


CRAFTED_FILES = {
    # zipfile: RuntimeError ("is encrypted, password required").
    "encrypted_part": lambda: patch_central_directory(
        good_workbook(), "[Content_Types].xml", flags=0x1
    ),
    # zipfile: NotImplementedError ("That compression method is not supported").
    "unknown_compression": lambda: patch_central_directory(
        good_workbook(), "[Content_Types].xml", method=99
    ),
    # zlib.error or BadZipFile (bad CRC), reading the content types.
    "corrupt_deflate": lambda: corrupt_part(good_workbook(), "[Content_Types].xml"),
    # Past our checks: lxml's XMLSyntaxError while openpyxl opens the workbook ...
    "broken_workbook_xml": broken_workbook_xml,
    # ... or while it reads the rows.
    "broken_sheet_xml": broken_sheet_xml,
}


@pytest.mark.parametrize("kind", list(CRAFTED_FILES))
def test_crafted_file_is_a_clear_400_and_nothing_written(client, editor, sofia_roadmap, kind):
    client.force_login(editor)
    before = (Action.objects.count(), HistoricalAction.objects.count())
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", CRAFTED_FILES[kind]())},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a workbook the import reads" in html or "The workbook cannot be read." in html
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before


def test_crafted_file_is_refused_in_the_users_language(client, editor, sofia_roadmap, settings):
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    response = client.post(
        reverse("actions:import", args=[sofia_roadmap.pk]),
        {"workbook": SimpleUploadedFile("roadmap.xlsx", CRAFTED_FILES["broken_sheet_xml"]())},
    )
    assert response.status_code == 400
    assert "Работната книга не може да бъде прочетена." in response.content.decode()
