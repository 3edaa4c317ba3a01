"""The benchmark's cases. Each returns {"ratio", "ours_s", "baseline_s", ...}:
our figure divided by the baseline's, measured in the same process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from actions.models import Roadmap
from actions.workbook import uploads as kept_uploads
from actions.workbook.export import (
    COLUMN_KEYS,
    export_queryset,
    registered_sheets,
    write_workbook,
)
from actions.workbook.import_ import COMMAND_MAX_ROWS, preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.labels import label
from actions.workbook.safety import check_workbook_file

from . import baselines, network, uploads
from .timing import Runs, compare, timed

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


def _result(name: str, ours: Runs, baseline: Runs, ratio: float | None = None, **extra) -> dict:
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


def _our_workbook(roadmap: Roadmap) -> Callable[[], object]:
    def run():
        # A file on disk, as the download view spools a large workbook: the bytes
        # of the result are then not part of what the export holds in memory.
        with tempfile.TemporaryFile() as out:
            write_workbook(
                roadmap,
                export_queryset(roadmap.actions.all()),
                out,
                extra_sheets=registered_sheets(),
            )

    return run


def export_vs_limit(ctx: Context) -> dict:
    roadmap = ctx.network.big

    def limit():
        with tempfile.TemporaryFile() as out:
            baselines.limit_workbook(roadmap, out)

    ours, baseline = compare(_our_workbook(roadmap), limit, repeat=ctx.repeat)
    return _result("export_vs_limit", ours, baseline, actions=ctx.size)


def export_vs_import_export(ctx: Context) -> dict:
    roadmap = ctx.network.big
    resource = baselines.action_resource()
    ours, baseline = compare(
        _our_workbook(roadmap),
        lambda: baselines.import_export_workbook(roadmap, resource),
        repeat=ctx.repeat,
    )
    return _result("export_vs_import_export", ours, baseline, actions=ctx.size)


def _peak_in_subprocess(roadmap: Roadmap, warmup: Roadmap, *options: str) -> tuple[int, float]:
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


def export_memory(ctx: Context) -> dict:
    """Peak memory of exporting 10× the rows ÷ 1×, each in a fresh interpreter.

    The growth of the peak resident memory, which counts what C libraries
    (lxml, the database driver) hold as well as Python's objects, and costs the
    export nothing; tracemalloc (``python -m bench.memory ... --tracemalloc``)
    gives the same ratio but slows the export five times, minutes at 50,000 rows.
    """
    small = ctx.network.big
    large_size = ctx.size * ctx.memory_factor
    large = network.add_roadmap(ctx.network, actions=large_size, title="Memory case roadmap")
    network.analyze()
    # The child reads what this process wrote: nothing may stay in an open transaction.
    connection.close()
    warmup = ctx.network.table_small
    small_peak, small_s = _peak_in_subprocess(small, warmup)
    large_peak, large_s = _peak_in_subprocess(large, warmup)
    return _result(
        "export_memory_50k_vs_5k",
        Runs([large_s]),
        Runs([small_s]),
        ratio=large_peak / small_peak,
        ours_actions=large_size,
        baseline_actions=ctx.size,
        ours_peak_mb=round(large_peak / 2**20, 2),
        baseline_peak_mb=round(small_peak / 2**20, 2),
    )


def changed_workbooks(roadmap: Roadmap) -> tuple[bytes, bytes, int]:
    """Our workbook of ``roadmap`` with every row's progress changed, twice over:
    whole (for our import) and as its Action Table sheet alone (django-import-export
    reads a workbook's first sheet; ours is the Overview)."""
    exported = io.BytesIO()
    write_workbook(
        roadmap,
        export_queryset(roadmap.actions.all()),
        exported,
        extra_sheets=registered_sheets(),
    )
    exported.seek(0)
    wb = load_workbook(exported)
    sheet = wb[label("sheet_actions")]
    column = COLUMN_KEYS.index("progress") + 1
    changed = 0
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.value = (int(cell.value) + 7) % 101
        changed += 1
    whole = io.BytesIO()
    wb.save(whole)
    for other in [ws for ws in wb.worksheets if ws is not sheet]:
        wb.remove(other)
    alone = io.BytesIO()
    wb.save(alone)
    return whole.getvalue(), alone.getvalue(), changed


def _rolled_back(function: Callable[[], object]) -> Callable[[], object]:
    """Run ``function`` in a transaction that is undone, so each run starts alike."""

    def run():
        with transaction.atomic():
            function()
            transaction.set_rollback(True)

    return run


def import_as_the_views_do(roadmap: Roadmap, content: bytes, *, by, changed: int) -> None:
    """The import of ``content`` as the import page's two requests run it
    (actions/views/workbook.py): the upload checked, previewed and kept; then the
    kept file loaded, checked and previewed again, claimed and applied, and let go.
    Every row is read (``COMMAND_MAX_ROWS``: a request reads at most ``MAX_ROWS``).
    """
    owner = {"roadmap_id": roadmap.pk, "user_id": by.pk}
    upload = io.BytesIO(content)
    check_workbook_file(upload, len(content))
    preview = preview_import(roadmap, upload, max_rows=COMMAND_MAX_ROWS)
    if not preview.can_apply or preview.change_count != changed:
        raise RuntimeError(f"unexpected preview: {preview.counts}")
    upload.seek(0)
    ticket = kept_uploads.store(upload.read(), **owner)

    if kept_uploads.applied(ticket, **owner) is not None:
        raise RuntimeError("the upload was applied already")
    kept = kept_uploads.load(ticket, **owner)
    check_workbook_file(io.BytesIO(kept), len(kept))
    preview = preview_import(roadmap, io.BytesIO(kept), max_rows=COMMAND_MAX_ROWS)
    if not preview.can_apply:
        raise RuntimeError(f"unexpected preview: {preview.counts}")
    with transaction.atomic():
        applied = kept_uploads.claim(ticket, roadmap_id=roadmap.pk, by=by)
        result = apply_import(roadmap=roadmap, preview=preview, by=by)
        applied.created, applied.changed = result["created"], result["changed"]
        applied.save(update_fields=["created", "changed"])
    kept_uploads.discard(ticket, **owner)


def _our_import(ctx: Context, whole: bytes, changed: int) -> Callable[[], object]:
    roadmap, admin = ctx.network.big, ctx.network.admin

    def ours():
        with (
            tempfile.TemporaryDirectory(prefix="csr-bench-imports-") as kept,
            override_settings(WORKBOOK_IMPORT_DIR=kept),
        ):
            import_as_the_views_do(roadmap, whole, by=admin, changed=changed)

    return ours


def import_vs_import_export(ctx: Context) -> dict:
    whole, alone, changed = changed_workbooks(ctx.network.big)
    resource = baselines.action_resource()

    def theirs():
        baselines.import_export_import(alone, resource)

    # A run of either side takes seconds to tens of seconds at 5,000 rows: no untimed
    # run first (the export cases warmed the imports), and at most three, to keep
    # make bench short.
    ours_runs, their_runs = compare(
        _rolled_back(_our_import(ctx, whole, changed)),
        _rolled_back(theirs),
        repeat=min(ctx.repeat, 3),
        warmup=False,
    )
    return _result("import_vs_import_export", ours_runs, their_runs, rows_changed=changed)


def import_vs_limit(ctx: Context) -> dict:
    roadmap, admin = ctx.network.big, ctx.network.admin
    whole, _alone, changed = changed_workbooks(roadmap)

    def limit():
        written = baselines.limit_import(roadmap, whole, by=admin)
        if written != changed:
            raise RuntimeError(f"the limit wrote {written} rows, not {changed}")

    ours_runs, limit_runs = compare(
        _rolled_back(_our_import(ctx, whole, changed)),
        _rolled_back(limit),
        repeat=min(ctx.repeat, 3),
        warmup=False,
    )
    return _result("import_5000_vs_limit", ours_runs, limit_runs, rows_changed=changed)


def _client(ctx: Context) -> Client:
    client = Client()
    client.force_login(ctx.network.admin)
    return client


def _get(client: Client, url: str, marker: str, rows: int) -> Callable[[], object]:
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        shown = response.content.decode().count(marker)
        # All the rows, or a first page of them (the table page, once paged).
        if not 0 < shown <= rows:
            raise RuntimeError(f"{url} shows {shown} rows, not up to {rows}")
        return response

    return run


def _table_url(roadmap: Roadmap) -> str:
    return roadmap.get_absolute_url()


def table_vs_admin(ctx: Context) -> dict:
    roadmap = ctx.network.table
    rows = roadmap.actions.count()
    client = _client(ctx)
    ours, admin = compare(
        _get(client, _table_url(roadmap), 'id="action-', rows),
        _get(
            client,
            f"/bench-admin/actions/action/?roadmap__id__exact={roadmap.pk}",
            'name="_selected_action"',
            rows,
        ),
        repeat=ctx.repeat,
    )
    return _result("table_vs_admin", ours, admin, actions=rows)


def table_queries(ctx: Context) -> dict:
    client = _client(ctx)
    counts, seconds = {}, {}
    for key, roadmap in (("large", ctx.network.table), ("small", ctx.network.table_small)):
        run = _get(client, _table_url(roadmap), 'id="action-', roadmap.actions.count())
        run()
        with CaptureQueriesContext(connection) as queries:
            seconds[key] = timed(run)
        counts[key] = len(queries)
    return _result(
        "table_queries_200_vs_20",
        Runs([seconds["large"]]),
        Runs([seconds["small"]]),
        ratio=counts["large"] / counts["small"],
        ours_queries=counts["large"],
        baseline_queries=counts["small"],
        ours_actions=ctx.network.table.actions.count(),
        baseline_actions=ctx.network.table_small.actions.count(),
    )


def bad_upload_vs_good_upload(ctx: Context) -> dict:
    per_kind, peaks = uploads.bad_upload_vs_good_upload(
        ctx.network.table, _client(ctx), repeat=ctx.repeat
    )
    ratios = {kind: ours.median / good.median for kind, (ours, good) in per_kind.items()}
    slowest = max(ratios, key=ratios.get)
    ours, good = per_kind[slowest]
    worst_seconds = max(ours.median for ours, _good in per_kind.values())
    return _result(
        "bad_upload_vs_good_upload",
        ours,
        good,
        slowest=slowest,
        ratios={kind: round(ratio, 3) for kind, ratio in ratios.items()},
        seconds={kind: round(ours.median, 4) for kind, (ours, _good) in per_kind.items()},
        peak_mb={kind: round(peak / (1024 * 1024), 1) for kind, peak in peaks.items()},
        bound_s=uploads.BOUND_SECONDS,
        within_bound=worst_seconds < uploads.BOUND_SECONDS,
        good_actions=ctx.network.table.actions.count(),
    )


# The scale cases use the helpers above (imported when they run).
from . import scale  # noqa: E402

# In the order they run: the memory cases last, as they add roadmaps of their own.
CASES: dict[str, Callable[[Context], dict]] = {
    "table_queries_200_vs_20": table_queries,
    "table_vs_admin": table_vs_admin,
    "table_5000_vs_admin": scale.table_big_vs_admin,
    "bad_upload_vs_good_upload": bad_upload_vs_good_upload,
    "export_vs_limit": export_vs_limit,
    "export_vs_import_export": export_vs_import_export,
    "import_vs_import_export": import_vs_import_export,
    "import_5000_vs_limit": import_vs_limit,
    "scale_slope": scale.scale_slope,
    "table_memory_10k_vs_1k": scale.table_memory,
    "export_memory_50k_vs_5k": export_memory,
}
