"""Keeping an uploaded workbook between the preview and the apply step.

The file goes to a private temporary directory under a random name; the
preview page carries a signed ticket naming it, its SHA-256, the roadmap and
the user, valid for an hour. Apply re-reads the very file that was previewed
(checked by hash), compares it with the database again and deletes it, so an
apply cannot be repeated. Files nobody applied are removed after an hour.

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

MAX_AGE_SECONDS = 60 * 60
_SALT = "actions.workbook.import"


class TicketInvalid(Exception):
    pass


def _directory() -> Path:
    configured = getattr(settings, "WORKBOOK_IMPORT_DIR", None)
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "csr-imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _purge_old(directory: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def store(content: bytes, *, roadmap_id: int, user_id: int) -> str:
    """Keep ``content`` and return the signed ticket that finds it again."""
    directory = _directory()
    _purge_old(directory)
    name = f"{secrets.token_hex(16)}.xlsx"
    descriptor = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
    return _directory() / name, str(payload.get("h", ""))


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
