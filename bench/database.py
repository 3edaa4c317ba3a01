"""The benchmark's own throwaway database, chosen before Django reads its settings.

SQLite in a temporary directory by default. When DATABASE_URL points to
PostgreSQL, a fresh database is created on that server and dropped at the
end; the database the URL names is never touched (nor is db.sqlite3).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import dj_database_url


def _is_postgresql(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """Point DATABASE_URL at a new, empty database for as long as the block runs."""
    url = os.environ.get("DATABASE_URL", "")
    previous = {name: os.environ.get(name) for name in ("DATABASE_URL", "CONN_MAX_AGE")}
    if _is_postgresql(url):
        manager = _postgresql(url)
    elif url and not url.startswith("sqlite:"):
        raise SystemExit(f"bench: unsupported DATABASE_URL scheme: {url.split(':', 1)[0]}")
    else:
        manager = _sqlite()
    try:
        with manager as (bench_url, description):
            os.environ["DATABASE_URL"] = bench_url
            # A connection kept open between requests would outlive the DROP below.
            os.environ["CONN_MAX_AGE"] = "0"
            yield description
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _sqlite() -> Iterator[tuple[str, str]]:
    directory = tempfile.mkdtemp(prefix="csr-bench-")
    path = os.path.join(directory, "bench.sqlite3")
    try:
        yield f"sqlite:///{path}", f"SQLite {path} (temporary)"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def _postgresql(url: str) -> Iterator[tuple[str, str]]:
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    name = f"csr_bench_{os.getpid()}_{int(time.time())}"
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }

    def admin(statement):
        connection = psycopg2.connect(**server)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        bench_url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        host = config.get("HOST") or "localhost"
        yield bench_url, f"PostgreSQL {name} on {host} (created for this run, then dropped)"
    finally:
        # Django's connections are closed by the caller; FORCE covers a stray one.
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
