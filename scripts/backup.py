#!/usr/bin/env python3
"""Back up the app's database (DATABASE_URL; default the SQLite file db.sqlite3).

PostgreSQL: ``pg_dump --format=custom`` into backups/<UTC time>.dump.
SQLite: a consistent copy through SQLite's online backup API into
backups/<UTC time>.sqlite3 (never a plain copy of a live file, which can catch a
write half done). The file appears under its final name only when complete.

    python scripts/backup.py [--dir backups] [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

# scripts/ is on sys.path when the script runs as `python scripts/<name>.py`.
import dbconfig


def backup_postgresql(db: dict, target: Path) -> None:
    pg_dump = dbconfig.require_tool("pg_dump")
    partial = target.with_name(target.name + ".partial")
    try:
        subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--file", str(partial)],
            env=dbconfig.pg_env(db),
            check=True,
        )
        # A dump pg_restore cannot read is no backup.
        subprocess.run(
            [dbconfig.require_tool("pg_restore"), "--list", str(partial)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError as error:
        partial.unlink(missing_ok=True)
        dbconfig.fail(
            f"{Path(error.cmd[0]).name} failed (exit {error.returncode}); no backup written."
        )
    partial.rename(target)


def backup_sqlite(db: dict, target: Path) -> None:
    source_path = Path(db["NAME"])
    if not source_path.is_file():
        dbconfig.fail(f"the SQLite database {source_path} does not exist.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        # One step: the copy is of one committed state of the database, whatever other
        # connections are writing meanwhile.
        source.backup(copy)
        (result,) = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
        source.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        dbconfig.fail(f"the copy failed SQLite's integrity check: {result}")
    partial.rename(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(dbconfig.BASE_DIR / "backups"), help="where to write")
    parser.add_argument("--output", help="the backup file (default: <dir>/<UTC time>.<ext>)")
    args = parser.parse_args(argv)

    db = dbconfig.database()
    if dbconfig.is_postgresql(db):
        extension, run = "dump", backup_postgresql
    elif dbconfig.is_sqlite(db):
        extension, run = "sqlite3", backup_sqlite
    else:
        dbconfig.fail(f"cannot back up a database of engine {db['ENGINE']}.")
    if args.output:
        target = Path(args.output)
    else:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = Path(args.dir) / f"{stamp}.{extension}"
    if target.exists():
        dbconfig.fail(f"{target} exists already; not overwriting it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Backups hold personal data: readable by their owner only.
    os.umask(0o077)
    run(db, target)
    print(f"Backed up {dbconfig.describe(db)} to {target} ({target.stat().st_size} bytes).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
