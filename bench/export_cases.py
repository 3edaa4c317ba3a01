"""The export cases: our workbook against bare openpyxl (the limit) and against
django-import-export, and how far exporting ten times the rows raises the memory."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from django.db import connection

from actions.models import Roadmap

from . import baselines, network
from .common import Context, case_result, peak_in_subprocess, write_our_workbook
from .timing import Runs, compare


def _our_workbook(roadmap: Roadmap) -> Callable[[], object]:
    def run():
        # A file on disk, as the download view spools a large workbook: the bytes
        # of the result are then not part of what the export holds in memory.
        with tempfile.TemporaryFile() as out:
            write_our_workbook(roadmap, out)

    return run


def export_vs_limit(ctx: Context) -> dict:
    roadmap = ctx.network.big

    def limit():
        with tempfile.TemporaryFile() as out:
            baselines.limit_workbook(roadmap, out)

    ours, baseline = compare(_our_workbook(roadmap), limit, repeat=ctx.repeat)
    return case_result("export_vs_limit", ours, baseline, actions=ctx.size)


def export_vs_import_export(ctx: Context) -> dict:
    roadmap = ctx.network.big
    resource = baselines.action_resource()
    ours, baseline = compare(
        _our_workbook(roadmap),
        lambda: baselines.import_export_workbook(roadmap, resource),
        repeat=ctx.repeat,
    )
    return case_result("export_vs_import_export", ours, baseline, actions=ctx.size)


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
    small_peak, small_s = peak_in_subprocess(small, warmup)
    large_peak, large_s = peak_in_subprocess(large, warmup)
    return case_result(
        "export_memory_50k_vs_5k",
        Runs([large_s]),
        Runs([small_s]),
        ratio=large_peak / small_peak,
        ours_actions=large_size,
        baseline_actions=ctx.size,
        ours_peak_mb=round(large_peak / 2**20, 2),
        baseline_peak_mb=round(small_peak / 2**20, 2),
    )
