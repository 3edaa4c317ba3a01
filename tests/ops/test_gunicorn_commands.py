"""gunicorn trusts X-Forwarded-Proto from 127.0.0.1 unless told otherwise, whatever
TRUST_X_FORWARDED_PROTO says: every gunicorn command the project gives names the
addresses it trusts, and the load test (no proxy) trusts none."""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn_commands(text: str) -> list[str]:
    joined = text.replace("\\\n", " ")
    return [
        line.strip()
        for line in joined.splitlines()
        if re.search(r"(^|[\s/\"$])gunicorn\"? cities4csr\.wsgi", line, re.IGNORECASE)
    ]


def test_readme_gunicorn_commands_name_the_trusted_proxy():
    commands = _gunicorn_commands((ROOT / "README.md").read_text())
    assert len(commands) == 2
    allowed = [
        shlex.split(command)[shlex.split(command).index("--forwarded-allow-ips") + 1]
        for command in commands
    ]
    assert allowed == ["127.0.0.1", ""]


def test_load_test_gunicorn_trusts_no_forwarded_headers():
    script = (ROOT / "scripts" / "loadtest" / "run.sh").read_text()
    (command,) = _gunicorn_commands(script)
    assert '--forwarded-allow-ips ""' in command
    assert "export TRUST_X_FORWARDED_PROTO=false" in script
