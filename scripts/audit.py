#!/usr/bin/env python3
"""Audit the pinned requirements for known vulnerabilities with pip-audit.

    python scripts/audit.py [REQUIREMENTS ...]     (default: requirements-dev.txt, which
                                                   includes requirements.txt, and
                                                   requirements-load.txt)

Exit 1 when a dependency has a known vulnerability, or when pip-audit fails for a
reason other than the network. When the advisory service cannot be reached, or has
no record of some pinned versions, those dependencies were NOT audited: this prints
a WARNING naming them and exits 0 (AUDIT_STRICT=true makes that exit 1), so that
an offline run never looks like a clean one.

pip-audit asks PyPI's JSON API about each pinned version. Where that has no record
of a version (some mirrors serve only a project's latest release), the project's
record is used when the pin *is* the latest release, since PyPI lists the known
vulnerabilities of the latest release there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REQUIREMENTS = ["requirements-dev.txt", "requirements-load.txt"]
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT = 15
NETWORK_ERRORS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "timed out",
    "ServiceError",
)


def pypi_project(name: str) -> dict | None:
    try:
        with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=TIMEOUT) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def service_reachable() -> bool:
    return pypi_project("pip") is not None


def run_pip_audit(requirements: list[str]) -> tuple[dict | None, str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            str(Path(sys.executable).with_name("pip-audit")),
            *[arg for path in requirements for arg in ("-r", path)],
            "--progress-spinner",
            "off",
            "--desc",
            "on",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        process = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True)
        data = (
            json.loads(report.read_text()) if report.is_file() and report.stat().st_size else None
        )
    return data, process.stderr if process.returncode not in (0, 1) or data is None else ""


def check_latest(dependency: dict) -> dict:
    """Audit a skipped dependency from the project's record when the pin is its latest release."""
    name = dependency["name"]
    version = dependency.get("version") or dependency["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
    project = pypi_project(name)
    if project is None or project["info"]["version"] != version:
        return dependency
    vulns = [
        {
            "id": vuln.get("id"),
            "fix_versions": vuln.get("fixed_in", []),
            "aliases": vuln.get("aliases", []),
            "description": vuln.get("summary") or vuln.get("details", ""),
        }
        for vuln in project.get("vulnerabilities", [])
        if not vuln.get("withdrawn")
    ]
    return {"name": name, "version": version, "vulns": vulns, "via": "latest release"}


def verdict(dependencies: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(vulnerable, audited clean, not audited)."""
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    clean = [dep for dep in dependencies if "skip_reason" not in dep and not dep.get("vulns")]
    return vulnerable, clean, skipped


def warn(message: str) -> None:
    print(f"\nWARNING: {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    requirements = (argv if argv is not None else sys.argv[1:]) or DEFAULT_REQUIREMENTS
    strict = os.environ.get("AUDIT_STRICT", "").lower() in ("1", "true", "yes", "on")
    not_audited_status = 1 if strict else 0
    print(f"pip-audit of {', '.join(requirements)} against PyPI's vulnerability records")

    if not service_reachable():
        warn(
            "the advisory service (PyPI's JSON API) cannot be reached: the dependencies were "
            "NOT audited. Run `make audit` again with network access."
        )
        return not_audited_status

    data, error = run_pip_audit(requirements)
    if data is None:
        if any(marker in error for marker in NETWORK_ERRORS):
            warn(
                "pip-audit lost the connection to the advisory service: the dependencies "
                f"were NOT audited.\n{error.strip().splitlines()[-1]}"
            )
            return not_audited_status
        print(error, file=sys.stderr)
        print("pip-audit failed (not a network problem): see above.", file=sys.stderr)
        return 1

    dependencies = [
        check_latest(dep) if "skip_reason" in dep else dep for dep in data["dependencies"]
    ]
    vulnerable, clean, skipped = verdict(dependencies)
    via_latest = sum(1 for dep in clean if dep.get("via"))
    print(
        f"{len(dependencies)} dependencies: {len(clean)} audited with no known vulnerability"
        + (f" ({via_latest} from the record of their latest release)" if via_latest else "")
        + f", {len(vulnerable)} vulnerable, {len(skipped)} not audited."
    )
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"  VULNERABLE {dep['name']}=={dep['version']}: {vuln['id']} (fixed in {fixes})")
            if vuln.get("description"):
                print(f"      {vuln['description'].strip().splitlines()[0][:160]}")
    if skipped:
        warn(
            f"{len(skipped)} dependencies were NOT audited (the advisory service has no "
            "record of these pinned versions):\n"
            + "\n".join(f"  - {dep['skip_reason']}" for dep in skipped)
        )
    if vulnerable:
        print("\nFAILED: known vulnerabilities; raise the pins to a fixed release.")
        return 1
    return not_audited_status if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
