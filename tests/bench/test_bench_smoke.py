"""`make bench` at a tiny size, so that it cannot rot: every case runs and reports
its figures. No figure is asserted against its goal here (timings on a shared
machine are no test); the benchmark itself says which goals are met."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.baselines import import_export_available
from bench.cases import CASES, NEEDS_IMPORT_EXPORT

BASE_DIR = Path(__file__).resolve().parents[2]


def test_benchmark_reports_every_case_at_a_tiny_size(tmp_path):
    out = tmp_path / "results.json"
    env = dict(os.environ)
    # The benchmark makes its own throwaway database (and its own settings): SQLite in a
    # temporary directory, or a new PostgreSQL database when the suite runs on one.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--size",
            "30",
            "--table-rows",
            "12",
            "--table-rows-small",
            "3",
            "--memory-factor",
            "3",
            "--repeat",
            "1",
            "--out",
            str(out),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads(out.read_text())
    assert set(results) == set(CASES)
    for name, result in results.items():
        if name in NEEDS_IMPORT_EXPORT and not import_export_available():
            assert result == {"skipped": "django-import-export not installed"}
            continue
        for key in ("ratio", "ours_s", "baseline_s", "goal", "met"):
            assert key in result, (name, key)
        assert result["ratio"] > 0, name
    assert results["table_queries_200_vs_20"]["ours_queries"] > 0
    assert "table_vs_admin" in completed.stdout


def test_benchmark_leaves_the_developer_database_alone(tmp_path):
    """The throwaway database is chosen before Django reads DATABASE_URL."""
    from bench.database import throwaway_database

    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = ""
    try:
        with throwaway_database() as description:
            assert "SQLite" in description
            url = os.environ["DATABASE_URL"]
            assert url.startswith("sqlite:///") and "db.sqlite3" not in url
            assert str(BASE_DIR) not in url
        assert os.environ["DATABASE_URL"] == ""
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def test_the_sides_take_turns_going_first():
    from bench.timing import compare

    order = []
    ours, theirs = compare(
        lambda: order.append("ours"), lambda: order.append("theirs"), repeat=4, warmup=False
    )
    assert order == ["ours", "theirs", "theirs", "ours", "ours", "theirs", "theirs", "ours"]
    assert len(ours.seconds) == len(theirs.seconds) == 4
