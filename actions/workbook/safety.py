"""Whether an uploaded file may be opened as a workbook at all.

An .xlsx and an .ods are zip containers of XML: everything here looks at the
container and the first bytes of its XML parts without unpacking them, so a
hostile file is refused in milliseconds and before anything parses it. An
.xls is an OLE compound file: its size and its first bytes are checked, and
it is refused if it holds a macro project. Whatever passes is read by
python-calamine in a child process with capped memory (``files``), which
expands no XML entities.
"""

from __future__ import annotations

import logging
import re
import struct
import zipfile
from typing import IO

from defusedxml.ElementTree import fromstring as defused_fromstring
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# What one request parses, twice (preview and apply): each XML part (a sheet) and
# the shared strings, which openpyxl holds whole in memory, unpacked. An exported
# Action Table of 2,000 rows (import_.MAX_ROWS) with a paragraph in each text
# column is a sheet of about 8 MB.
MAX_SHEET_XML_BYTES = 32 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
# XML compresses well, but not a thousandfold; a zip bomb does.
MAX_RATIO = 200
# A prolog (what comes before the root element) longer than this is not Excel's.
MAX_PROLOG_BYTES = 64 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE file is made of 512-byte sectors after a 512-byte header.
_OLE_MIN_BYTES = 1024
# The storage of an .xls's macros, as its directory names it (UTF-16).
_OLE_MACROS = "_VBA_PROJECT".encode("utf-16-le")
_ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SCAN_BYTES = 1024 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_SPREADSHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_:]")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

logger = logging.getLogger(__name__)


class UnsafeUpload(Exception):
    """The file is refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        self.message = message
        self.status = status
        super().__init__(message)


def check_size(size: int | None) -> None:
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise UnsafeUpload(
            _("The file is larger than %(limit)s MB.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
            status=413,
        )


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def _shared_strings_parts(content_types: bytes) -> set[str]:
    """The parts the content types declare as shared strings, wherever they are
    (defusedxml: a declaration in it is refused, as the check below does anyway)."""
    return {
        element.get("PartName", "").lstrip("/")
        for element in defused_fromstring(content_types)
        if element.get("ContentType") == _SHARED_STRINGS_TYPE
    }


def _check_part_sizes(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a sheet or shared strings larger, unpacked, than one request may parse.

    The sizes are the zip's own records, which zipfile holds each part to when it
    unpacks one, so nothing is unpacked to learn them.
    """
    shared = {"xl/sharedStrings.xml"}
    if "[Content_Types].xml" in archive.namelist():
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size <= MAX_PROLOG_BYTES * 16:
            shared |= _shared_strings_parts(archive.read(info))
    for info in infos:
        if info.filename in shared and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise UnsafeUpload(
                _(
                    "The workbook's text (its shared strings) unpacks to more than "
                    "%(limit)s MB, more than one import can read. Import the table in parts."
                )
                % {"limit": _megabytes(MAX_SHARED_STRINGS_BYTES)},
                status=413,
            )
        if info.filename.endswith(".xml") and info.file_size > MAX_SHEET_XML_BYTES:
            raise UnsafeUpload(
                _(
                    "A sheet of the workbook unpacks to more than %(limit)s MB, more than "
                    "one import can read. Import the table in parts."
                )
                % {"limit": _megabytes(MAX_SHEET_XML_BYTES)},
                status=413,
            )


def _declared_entries(fileobj: IO[bytes], size: int) -> int | None:
    """The entry count of the zip's end record, read before zipfile parses the directory."""
    tail_size = min(size, 65_536 + 22)
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or at + 22 > len(tail):
        return None
    return struct.unpack("<H", tail[at + 10 : at + 12])[0]


def _prolog_has_declarations(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as part:
        head = part.read(MAX_PROLOG_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00")):
        # Excel writes UTF-8; another encoding would hide a declaration from this check.
        return True
    first = _FIRST_ELEMENT.search(head)
    prolog = head if first is None else head[: first.start()]
    if first is None and len(head) == MAX_PROLOG_BYTES:
        return True
    return bool(_DECLARATION.search(prolog))


def _not_a_workbook() -> str:
    return _(
        "This file is not a workbook the import reads. Accepted are Excel workbooks "
        "(.xlsx, .xls) and OpenDocument spreadsheets (.ods): open it in Excel or "
        "LibreOffice, choose File → Save As, and save it as one of these."
    )


def _macros() -> str:
    return _("Workbooks with macros are not accepted; save it as a plain .xlsx.")


def check_workbook_file(fileobj: IO[bytes], size: int) -> None:
    """Raise UnsafeUpload unless ``fileobj`` looks like a plain .xlsx, .ods or .xls
    that is safe to parse."""
    check_size(size)
    try:
        fileobj.seek(0)
        if fileobj.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
            _check_ole(fileobj, size)
        else:
            _check_container(fileobj, size)
    except UnsafeUpload:
        raise
    except Exception:
        # zipfile, zlib, bz2 and lzma raise many kinds of error on a damaged or
        # crafted file (RuntimeError for an encrypted part, NotImplementedError
        # for an unknown compression, struct.error, ...): each means the same.
        logger.info("Upload refused: its zip container cannot be read.", exc_info=True)
        raise UnsafeUpload(_not_a_workbook()) from None
    fileobj.seek(0)


def _check_container(fileobj: IO[bytes], size: int) -> None:
    fileobj.seek(0)
    if fileobj.read(4) != _ZIP_MAGIC:
        raise UnsafeUpload(_not_a_workbook())
    declared = _declared_entries(fileobj, size)
    if declared is not None and declared > MAX_ENTRIES:
        raise UnsafeUpload(_("The file holds too many parts to be a workbook."))
    fileobj.seek(0)
    with zipfile.ZipFile(fileobj) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeUpload(_("The file holds too many parts to be a workbook."))
        unpacked = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos)
        if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(packed, 1):
            raise UnsafeUpload(_("The file unpacks to far more than a workbook would."))
        _check_part_sizes(archive, infos)
        names = {info.filename for info in infos}
        if "mimetype" in names and "content.xml" in names:
            _check_ods(archive, names)
        else:
            _check_xlsx(archive, names)
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _prolog_has_declarations(
                archive, info
            ):
                raise UnsafeUpload(
                    _("The file contains XML declarations that are not allowed in a workbook.")
                )


def _check_xlsx(archive: zipfile.ZipFile, names: set[str]) -> None:
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeUpload(_not_a_workbook())
    content_types = archive.read("[Content_Types].xml")
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        b"macroEnabled" in content_types or b"vbaProject" in content_types
    ):
        raise UnsafeUpload(_macros())
    if _SPREADSHEET_TYPE not in content_types:
        raise UnsafeUpload(_not_a_workbook())


def _check_ods(archive: zipfile.ZipFile, names: set[str]) -> None:
    """An OpenDocument spreadsheet: its mimetype part says so; macros live in Basic/ or Scripts/."""
    with archive.open("mimetype") as part:
        mimetype = part.read(len(_ODS_TYPE) + 1)
    if mimetype.strip() != _ODS_TYPE:
        raise UnsafeUpload(_not_a_workbook())
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise UnsafeUpload(_macros())


def _check_ole(fileobj: IO[bytes], size: int) -> None:
    """An .xls: an OLE file of whole sectors, without a macro project (its name is
    in the directory, in UTF-16), read a piece at a time."""
    if size < _OLE_MIN_BYTES:
        raise UnsafeUpload(_not_a_workbook())
    fileobj.seek(0)
    tail = b""
    while piece := fileobj.read(_SCAN_BYTES):
        if _OLE_MACROS in tail + piece:
            raise UnsafeUpload(_macros())
        tail = piece[-(len(_OLE_MACROS) - 1) :]
