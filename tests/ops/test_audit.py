"""make audit (scripts/audit.py): a known vulnerability fails; an advisory service that
cannot be reached, or has no record of a pin, is a loud WARNING, never a silent pass
(issue 6, 16). pip-audit and the network are replaced here; CI runs the real audit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    monkeypatch.setattr(module, "service_reachable", lambda: True)
    monkeypatch.setattr(module, "pypi_project", lambda name: None)
    return module


def _report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}, ""


def test_no_known_vulnerability_passes(audit, monkeypatch, capsys):
    monkeypatch.setattr(
        audit, "run_pip_audit", lambda r: _report({"name": "django", "version": "5.2", "vulns": []})
    )
    assert audit.main([]) == 0
    assert "WARNING" not in capsys.readouterr().out


def test_a_known_vulnerability_fails(audit, monkeypatch, capsys):
    vuln = {"id": "PYSEC-0000-1", "fix_versions": ["5.2.99"], "aliases": [], "description": "x"}
    monkeypatch.setattr(
        audit,
        "run_pip_audit",
        lambda r: _report({"name": "django", "version": "5.2", "vulns": [vuln]}),
    )
    assert audit.main([]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE django==5.2: PYSEC-0000-1 (fixed in 5.2.99)" in out


def test_an_unreachable_advisory_service_warns_and_says_nothing_was_audited(
    audit, monkeypatch, capsys
):
    monkeypatch.setattr(audit, "service_reachable", lambda: False)
    assert audit.main([]) == 0
    assert "WARNING" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_STRICT", "true")
    assert audit.main([]) == 1


def test_pins_the_service_has_no_record_of_are_named_in_a_warning(audit, monkeypatch, capsys):
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI: django (5.2)"}
    monkeypatch.setattr(audit, "run_pip_audit", lambda r: _report(skipped))
    assert audit.main([]) == 0
    out = capsys.readouterr().out
    assert "WARNING: 1 dependencies were NOT audited" in out
    assert "django (5.2)" in out


def test_a_pin_that_is_the_latest_release_is_audited_from_the_project_record(
    audit, monkeypatch, capsys
):
    vuln = {"id": "GHSA-xxxx", "fixed_in": ["2.0"], "aliases": [], "summary": "bad"}
    monkeypatch.setattr(
        audit,
        "pypi_project",
        lambda name: {"info": {"version": "1.0"}, "vulnerabilities": [vuln]},
    )
    skipped = {"name": "lib", "skip_reason": "Dependency not found on PyPI: lib (1.0)"}
    monkeypatch.setattr(audit, "run_pip_audit", lambda r: _report(skipped))
    assert audit.main([]) == 1
    assert "VULNERABLE lib==1.0: GHSA-xxxx" in capsys.readouterr().out


def test_pip_audit_failing_for_another_reason_fails(audit, monkeypatch):
    monkeypatch.setattr(audit, "run_pip_audit", lambda r: (None, "ResolutionImpossible: ..."))
    assert audit.main([]) == 1
