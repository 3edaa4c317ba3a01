"""Run a real ``manage.py db_worker`` against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    """The URL of the database this test process uses (the test database)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


_COMMAND = [
    sys.executable,
    "manage.py",
    "db_worker",
    "--batch",
    "--no-reload",
    "--no-startup-delay",
]


def _env(extra_env: dict[str, str]) -> dict[str, str]:
    return {**os.environ, "TASKS_BACKEND": "database", "DATABASE_URL": database_url(), **extra_env}


def run_worker(**extra_env: str) -> subprocess.CompletedProcess:
    """Run every task that is due, in a worker process of its own, then return."""
    finished = subprocess.run(
        _COMMAND,
        cwd=BASE_DIR,
        env=_env(extra_env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished


def start_worker(**extra_env: str) -> subprocess.Popen:
    """Start a worker that runs every task that is due, then stops; the caller waits
    for it (``communicate``), and meanwhile sees what it does in the database."""
    return subprocess.Popen(
        _COMMAND,
        cwd=BASE_DIR,
        env=_env(extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
