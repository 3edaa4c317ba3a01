"""make backup / make restore (scripts/backup.py, scripts/restore.py) give back the same
database: the same workbook export and the same rows (issue 6, 15).

The scripts run as `make` runs them, as subprocesses against a database of their own:
an SQLite file in a temporary folder, and a temporary PostgreSQL database on the
server of the test database when the suite runs on PostgreSQL. Each is migrated and
given the demo data, snapshotted, backed up, damaged, restored and snapshotted again.

The snapshot is every table as `dumpdata` writes it (ordered by primary key) and,
since the workbook exporter exists (actions/workbook/export.py), the cell values of
every roadmap's workbook written with a fixed "generated at" time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]

WORKBOOK_SNAPSHOT = """
import datetime, io, json
from django.utils import timezone
from openpyxl import load_workbook
from actions.models import Roadmap
from actions.workbook.export import export_queryset, write_workbook

now = timezone.make_aware(datetime.datetime(2024, 5, 6, 12, 0))
sheets = {}
for roadmap in Roadmap.objects.order_by("pk"):
    out = io.BytesIO()
    write_workbook(roadmap, export_queryset(roadmap.actions.all()), out, now=now)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheets[roadmap.pk] = {
        sheet.title: [[str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
print(json.dumps(sheets, ensure_ascii=False, sort_keys=True))
"""


def _run(database_url: str, *args: str, debug: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true" if debug else "false"}
    result = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _manage(database_url: str, *args: str, debug: bool = False) -> str:
    return _run(database_url, "manage.py", *args, debug=debug)


def _set_up(database_url: str) -> None:
    _manage(database_url, "migrate", "--noinput", "-v", "0")
    # With DEBUG on, load_demo also makes the demo users, so that they are in the backup too.
    _manage(database_url, "load_demo", debug=True)


def _snapshot(database_url: str) -> dict:
    snapshot = {"tables": json.loads(_manage(database_url, "dumpdata", "--indent", "0"))}
    snapshot["workbooks"] = json.loads(
        _manage(database_url, "shell", "-v", "0", "-c", WORKBOOK_SNAPSHOT)
    )
    return snapshot


def _backup(database_url: str, folder: Path) -> Path:
    _run(database_url, "scripts/backup.py", "--dir", str(folder))
    (backup,) = folder.iterdir()
    return backup


def _restore(database_url: str, backup: Path) -> None:
    _run(database_url, "scripts/restore.py", str(backup), "--yes")


def _damage(database_url: str) -> None:
    """Lose data the way an accident would: every meeting's next steps and all indicators.

    In SQL, past the models: a held meeting's next steps are never deleted through them.
    """
    _manage(
        database_url,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.db import connection; from meetings.models import NextStep; "
        "from actions.models import Indicator; cursor = connection.cursor(); "
        "[cursor.execute(f'DELETE FROM {model._meta.db_table}') for model in (NextStep, Indicator)]",
    )


def test_sqlite_backup_restores_the_same_workbook_and_rows(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    _set_up(database_url)
    before = _snapshot(database_url)
    assert before["workbooks"], "the demo data has roadmaps to export"
    backup = _backup(database_url, tmp_path / "backups")
    assert backup.suffix == ".sqlite3"
    _damage(database_url)
    assert _snapshot(database_url) != before

    _restore(database_url, backup)

    assert _snapshot(database_url) == before


def test_sqlite_backup_is_one_committed_state_while_a_write_is_open(tmp_path):
    database = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("CREATE TABLE note (text TEXT)")
    writer.execute("INSERT INTO note VALUES ('committed')")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO note VALUES ('not committed')")
    try:
        backup = _backup(f"sqlite:///{database}", tmp_path / "backups")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT text FROM note").fetchall() == [("committed",)]
    copy.close()


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(tmp_path):
    database = tmp_path / "app.sqlite3"
    sqlite3.connect(database).close()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("PGDMP is not what this is")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "scripts/restore.py", str(not_a_backup), "--yes"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "not an SQLite database" in result.stderr


def test_restore_asks_for_confirmation_without_yes(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    sqlite3.connect(tmp_path / "app.sqlite3").close()
    backup = _backup(database_url, tmp_path / "backups")
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "scripts/restore.py", str(backup)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "--yes" in result.stderr


@pytest.fixture
def scratch_postgresql(db):
    """A throwaway database on the server of the test database (PostgreSQL runs only)."""
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite: set DATABASE_URL=postgres://... to test pg_dump")
    settings_dict = connection.settings_dict
    name = f"csr_backup_{uuid.uuid4().hex[:12]}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    server = connection.get_new_connection({**connection.get_connection_params()})

    def admin(sql: str) -> None:
        server.autocommit = True
        with server.cursor() as cursor:
            cursor.execute(sql)

    admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{credentials}{host}:{port}/{name}", admin, name
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def test_postgresql_backup_restores_the_same_workbook_and_rows(scratch_postgresql, tmp_path):
    database_url, admin, name = scratch_postgresql
    _set_up(database_url)
    before = _snapshot(database_url)
    backup = _backup(database_url, tmp_path / "backups")
    assert backup.suffix == ".dump"
    assert backup.read_bytes()[:5] == b"PGDMP"

    # Damaged data is replaced (pg_restore --clean) ...
    _damage(database_url)
    assert _snapshot(database_url) != before
    _restore(database_url, backup)
    assert _snapshot(database_url) == before

    # ... and a database that is gone comes back whole into a new, empty one.
    admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    _restore(database_url, backup)
    assert _snapshot(database_url) == before
