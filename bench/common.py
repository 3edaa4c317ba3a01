"""What every case of the benchmark shares: its context, the goals, the shape of a
result ({"ratio", "ours_s", "baseline_s", ...}: our figure divided by the baseline's,
measured in the same process), a logged-in client, and a fresh interpreter's peak
memory (bench/memory.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.test import Client

from actions.models import Roadmap
from actions.workbook.export import export_queryset, registered_sheets, write_workbook

from . import network
from .timing import Runs

# Our import checks and writes the rows in bulk (services.actions_apply_import: lock,
# versions, rules, history); the limit reads them and writes them with history in bulk.
GOAL_IMPORT_VS_LIMIT = 3.0
# name: (goal, what is divided by what)
GOALS: dict[str, tuple[float, str]] = {
    "export_vs_limit": (2.0, "our workbook ÷ bare openpyxl write-only, same values"),
    "export_vs_import_export": (0.5, "our workbook ÷ django-import-export XLSX"),
    "export_memory_50k_vs_5k": (2.0, "peak memory exporting 10× the rows ÷ 1×"),
    "import_vs_import_export": (
        0.25,
        "the import page's check + preview, then the apply's check + preview + apply ÷ "
        "django-import-export (CachedInstanceLoader, skip_diff) dry run + import",
    ),
    "import_5000_vs_limit": (
        GOAL_IMPORT_VS_LIMIT,
        "the same import of the changed rows ÷ python-calamine's read + bulk_update_with_history",
    ),
    "table_vs_admin": (0.5, "/roadmaps/<id>/ ÷ admin changelist, same rows and columns"),
    "table_5000_vs_admin": (
        1.0,
        "/roadmaps/<id>/ of the big roadmap ÷ the first page of its admin changelist",
    ),
    "scale_slope": (
        0.15,
        "growth of table, timeline, dashboard from the small size to the large "
        "(log t ratio ÷ log size ratio; 1 linear, 0 flat); import preview ≤ 1.0",
    ),
    "table_memory_10k_vs_1k": (2.0, "peak memory of the table page at the large size ÷ small"),
    "table_queries_200_vs_20": (1.0, "queries of the table at the large size ÷ the small"),
    "bad_upload_vs_good_upload": (
        1.0,
        "the slowest refusal of a bad upload ÷ the preview of a good one (table size)",
    ),
}
NEEDS_IMPORT_EXPORT = ("export_vs_import_export", "import_vs_import_export")
BASE_DIR = Path(__file__).resolve().parent.parent
PAGE = 4096


@dataclass
class Context:
    network: network.Network
    size: int
    repeat: int
    memory_factor: int
    # The scale cases' two sizes, and the roadmaps built for them (with their editors).
    slope_sizes: tuple[int, int] = (1000, 10000)
    built: dict = field(default_factory=dict)


def case_result(name: str, ours: Runs, baseline: Runs, ratio: float | None = None, **extra) -> dict:
    goal, meaning = GOALS[name]
    ratio = ours.median / baseline.median if ratio is None else ratio
    return {
        "ratio": round(ratio, 3),
        **ours.summary("ours"),
        **baseline.summary("baseline"),
        "runs": len(ours.seconds),
        "goal": goal,
        "met": ratio <= goal,
        "meaning": meaning,
        **extra,
    }


def write_our_workbook(roadmap: Roadmap, out) -> None:
    """The roadmap's whole workbook as its download writes it (every sheet, the
    meetings' too), into ``out``."""
    write_workbook(
        roadmap, export_queryset(roadmap.actions.all()), out, extra_sheets=registered_sheets()
    )


def logged_in(ctx: Context) -> Client:
    """A test client logged in as the network admin."""
    client = Client()
    client.force_login(ctx.network.admin)
    return client


def table_url(roadmap: Roadmap) -> str:
    return roadmap.get_absolute_url()


def peak_in_subprocess(roadmap: Roadmap, warmup: Roadmap, *options: str) -> tuple[int, float]:
    """How far exporting ``roadmap`` (or what ``options`` say) raises the peak resident
    memory of a fresh interpreter (bench/memory.py), and the seconds it took."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(roadmap.pk), str(warmup.pk), *options],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.memory failed:\n{completed.stderr}")
    measured = json.loads(completed.stdout.strip().splitlines()[-1])
    # A page, so that an export too small to raise the peak still divides.
    return max(measured["peak_bytes"], PAGE), measured["seconds"]
