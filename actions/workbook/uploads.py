"""Keeping an uploaded workbook between the preview and the apply step.

The file goes to a private temporary directory (a folder per user) under a
random name; the preview page carries a signed ticket naming it, its SHA-256,
the roadmap and the user, valid for an hour. Apply re-reads the very file that
was previewed (checked by hash), compares it with the database again, claims
the upload (``claim``: a ``WorkbookImport`` row with the file's name as its
unique key, in the apply's transaction) and deletes the file, so an upload is
applied once however often its form is sent. Files are removed on apply, on
cancel and after an hour; a user keeps at most ``MAX_STORED_PER_USER`` previews
(a new one drops the oldest) and all users together ``MAX_STORED_BYTES``.

The directory is ``settings.WORKBOOK_IMPORT_DIR`` if set, else a directory in
the system's temporary directory. With several app servers it must be shared
(or sessions sticky), since the apply may reach another server.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import WorkbookImport

MAX_AGE_SECONDS = 60 * 60
MAX_STORED_PER_USER = 3
MAX_STORED_BYTES = 100 * 1024 * 1024
_SALT = "actions.workbook.import"


class TicketInvalid(Exception):
    pass


class StoreFull(Exception):
    """Too many previews wait to be applied: the file is not kept."""

    status = 503

    def __init__(self):
        self.message = _("Too many imports are waiting to be applied; try again in a few minutes.")
        super().__init__(self.message)


class AlreadyApplied(Exception):
    """The upload was applied before (or is being applied by another request)."""

    def __init__(self, applied: WorkbookImport):
        self.applied = applied
        super().__init__(applied.upload)


def _directory() -> Path:
    configured = getattr(settings, "WORKBOOK_IMPORT_DIR", None)
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "csr-imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _user_directory(user_id: int) -> Path:
    directory = _directory() / f"user-{int(user_id)}"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def _stored(directory: Path) -> list[tuple[float, int, Path]]:
    """(modified, size, path) of every stored file, oldest first; removes the expired."""
    cutoff = time.time() - MAX_AGE_SECONDS
    found = []
    # Files of the layout before the per-user folders (directly in the directory) too.
    for path in [*directory.glob("*.xlsx"), *directory.glob("*/*.xlsx")]:
        try:
            stat = path.stat()
            if stat.st_mtime < cutoff:
                path.unlink()
            else:
                found.append((stat.st_mtime, stat.st_size, path))
        except FileNotFoundError:
            pass
    return sorted(found)


def store(content: bytes, *, roadmap_id: int, user_id: int) -> str:
    """Keep ``content`` and return the signed ticket that finds it again.

    Raises StoreFull when all the stored previews together would pass
    MAX_STORED_BYTES; drops the user's oldest previews beyond MAX_STORED_PER_USER.
    """
    stored = _stored(_directory())
    user_directory = _user_directory(user_id)
    own = [path for _mtime, _size, path in stored if path.parent == user_directory]
    for path in own[: max(0, len(own) - (MAX_STORED_PER_USER - 1))]:
        path.unlink(missing_ok=True)
        stored = [entry for entry in stored if entry[2] != path]
    if sum(size for _mtime, size, _path in stored) + len(content) > MAX_STORED_BYTES:
        raise StoreFull
    name = f"{secrets.token_hex(16)}.xlsx"
    descriptor = os.open(user_directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    payload = {
        "f": name,
        "h": hashlib.sha256(content).hexdigest(),
        "r": roadmap_id,
        "u": user_id,
    }
    return signing.dumps(payload, salt=_SALT)


def _path(ticket: str, *, roadmap_id: int, user_id: int) -> tuple[Path, str]:
    try:
        payload = signing.loads(ticket, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        raise TicketInvalid from None
    if payload.get("r") != roadmap_id or payload.get("u") != user_id:
        raise TicketInvalid
    name = str(payload.get("f", ""))
    if not name.endswith(".xlsx") or "/" in name or "\\" in name or name.startswith("."):
        raise TicketInvalid
    return _user_directory(user_id) / name, str(payload.get("h", ""))


def load(ticket: str, *, roadmap_id: int, user_id: int) -> bytes:
    """The stored file's content, if the ticket is valid and the file unchanged."""
    path, expected = _path(ticket, roadmap_id=roadmap_id, user_id=user_id)
    try:
        content = path.read_bytes()
    except OSError:
        raise TicketInvalid from None
    if not secrets.compare_digest(hashlib.sha256(content).hexdigest(), expected):
        raise TicketInvalid
    return content


def discard(ticket: str, *, roadmap_id: int, user_id: int) -> None:
    try:
        path, _hash = _path(ticket, roadmap_id=roadmap_id, user_id=user_id)
    except TicketInvalid:
        return
    path.unlink(missing_ok=True)


def applied(ticket: str, *, roadmap_id: int, user_id: int) -> WorkbookImport | None:
    """The import of this ticket's upload, if it was applied already."""
    path, _hash = _path(ticket, roadmap_id=roadmap_id, user_id=user_id)
    return WorkbookImport.objects.filter(upload=path.name).select_related("applied_by").first()


def claim(ticket: str, *, roadmap_id: int, by) -> WorkbookImport:
    """Record that this ticket's upload is being applied, in the caller's transaction.

    Call it inside the apply's ``transaction.atomic``, before the first write: a
    second request with the same ticket waits for the first's transaction on the
    unique key, then raises AlreadyApplied (or claims it, if the first rolled back).
    """
    path, _hash = _path(ticket, roadmap_id=roadmap_id, user_id=by.pk)
    try:
        with transaction.atomic():
            return WorkbookImport.objects.create(
                upload=path.name, roadmap_id=roadmap_id, applied_by=by
            )
    except IntegrityError:
        raise AlreadyApplied(
            WorkbookImport.objects.select_related("applied_by").get(upload=path.name)
        ) from None
