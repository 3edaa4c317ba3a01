"""Settings read from the environment: production is safe, development starts at once.

Settings are read once per process, so each case runs ``manage.py`` in a subprocess
with an environment of its own (and none of the test run's variables).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "example.org",
    "CSRF_TRUSTED_ORIGINS": "https://example.org",
    "SITE_URL": "https://example.org",
}

PRINT_SETTINGS = """
from django.conf import settings
db = settings.DATABASES["default"]
print("ENGINE", db["ENGINE"])
print("NAME", db["NAME"])
print("OPTIONS", sorted(db.get("OPTIONS", {}).items()))
for name in ("DEBUG", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
             "SESSION_COOKIE_SECURE", "SESSION_COOKIE_NAME",
             "CSRF_COOKIE_SECURE", "CSRF_COOKIE_NAME", "CSRF_TRUSTED_ORIGINS"):
    print(name, getattr(settings, name))
"""


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a process needs to run: nothing of pytest-env's DEBUG, SECRET_KEY, ...
    clean_env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(**env: str) -> dict[str, str]:
    result = manage("shell", "--no-imports", "-c", PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_use_https_only_cookies_and_a_year_of_hsts():
    production = settings_in(**PRODUCTION)

    assert production["DEBUG"] == "False"
    assert production["SECURE_SSL_REDIRECT"] == "True"
    assert int(production["SECURE_HSTS_SECONDS"]) >= 365 * 24 * 60 * 60
    assert production["SESSION_COOKIE_SECURE"] == "True"
    assert production["CSRF_COOKIE_SECURE"] == "True"
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert production["CSRF_TRUSTED_ORIGINS"] == "['https://example.org']"


def test_debug_off_without_secret_key_refuses_to_start():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_on_starts_without_secret_key():
    result = manage("check", DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql():
    production = settings_in(
        **PRODUCTION, DATABASE_URL="postgres://csr@db.example.org:5432/csr_action_table"
    )

    assert production["ENGINE"] == "django.db.backends.postgresql"
    assert production["NAME"] == "csr_action_table"
    assert "transaction_mode" not in production["OPTIONS"]


def test_sqlite_file_in_the_project_is_the_default_database():
    development = settings_in(DEBUG="true")

    assert development["ENGINE"] == "django.db.backends.sqlite3"
    assert development["NAME"] == str(BASE_DIR / "db.sqlite3")


def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    # Otherwise two saves at once end in "database is locked" half way through.
    development = settings_in(DEBUG="true")

    assert "('transaction_mode', 'IMMEDIATE')" in development["OPTIONS"]
    assert "('timeout', 20)" in development["OPTIONS"]
