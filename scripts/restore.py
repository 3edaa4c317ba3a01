#!/usr/bin/env python3
"""Restore a backup made by scripts/backup.py into the app's database (DATABASE_URL).

PostgreSQL: ``pg_restore --clean --if-exists`` in one transaction (all or nothing)
into the existing database. SQLite: SQLite's online backup API copies the file
back over the database, replacing all of it at once.

    python scripts/restore.py FILE [--yes]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

# scripts/ is on sys.path when the script runs as `python scripts/<name>.py`.
import dbconfig


def restore_postgresql(db: dict, source: Path) -> None:
    pg_restore = dbconfig.require_tool("pg_restore")
    env = dbconfig.pg_env(db)
    try:
        subprocess.run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                env.get("PGDATABASE", ""),
                str(source),
            ],
            env=env,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        dbconfig.fail(f"pg_restore failed (exit {error.returncode}); the database is unchanged.")


def restore_sqlite(db: dict, source: Path) -> None:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    (result,) = backup.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        dbconfig.fail(f"{source} fails SQLite's integrity check: {result}")
    target = sqlite3.connect(db["NAME"])
    try:
        backup.backup(target)
    finally:
        target.close()
        backup.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a backup file (backups/*.dump or backups/*.sqlite3)")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)

    source = Path(args.file)
    if not source.is_file():
        dbconfig.fail(f"{source} is not a file.")
    with source.open("rb") as file:
        head = file.read(16)
    db = dbconfig.database()
    if dbconfig.is_postgresql(db):
        if not head.startswith(dbconfig.PG_CUSTOM_MAGIC):
            dbconfig.fail(
                f"{source} is not a pg_dump custom-format file; the database is PostgreSQL."
            )
        run = restore_postgresql
    elif dbconfig.is_sqlite(db):
        if head != dbconfig.SQLITE_MAGIC:
            dbconfig.fail(f"{source} is not an SQLite database; the database is SQLite.")
        run = restore_sqlite
    else:
        dbconfig.fail(f"cannot restore into a database of engine {db['ENGINE']}.")

    if not args.yes:
        if not sys.stdin.isatty():
            dbconfig.fail(
                "restoring replaces the database: confirm with --yes (make restore ... YES=1).", 2
            )
        answer = input(f"Replace everything in {dbconfig.describe(db)} with {source}? Type 'yes': ")
        if answer.strip().lower() != "yes":
            print("Nothing was changed.")
            return 1
    run(db, source)
    print(f"Restored {source} into {dbconfig.describe(db)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
