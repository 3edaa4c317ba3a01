"""The database the app uses, read from DATABASE_URL exactly as cities4csr/settings.py
reads it, for the backup and restore scripts (which run without Django's settings,
so that they need no SECRET_KEY)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


def database() -> dict:
    return dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")


def is_postgresql(db: dict) -> bool:
    return "postgresql" in db["ENGINE"]


def is_sqlite(db: dict) -> bool:
    return "sqlite3" in db["ENGINE"]


def pg_env(db: dict) -> dict[str, str]:
    """libpq's environment for ``db``: no password on a command line (ps would show it)."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def describe(db: dict) -> str:
    if is_sqlite(db):
        return f"SQLite {db['NAME']}"
    return (
        f"PostgreSQL {db.get('NAME')} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    )


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        fail(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def fail(message: str, status: int = 1):
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(status)
