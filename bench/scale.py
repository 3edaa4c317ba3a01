"""The scale cases (issue 15): how the pages grow with the roadmap.

``table_5000_vs_admin``: the table page of the big roadmap against the first page of
its admin changelist. ``scale_slope``: the table, the timeline, the dashboard and
the import preview at two sizes (``--slope-sizes``, 1,000 and 10,000 actions by
default), each reported as its growth exponent, log(t_large / t_small) ÷
log(large / small): 1.0 grows as the roadmap does, 0 not at all.
``table_memory_10k_vs_1k``: how far one GET of the table page raises the peak
resident memory of a fresh interpreter, at the large size ÷ the small.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.urls import reverse

from actions.models import Roadmap
from actions.workbook.import_ import COMMAND_MAX_ROWS, preview_import
from actions.workbook.safety import check_workbook_file

from . import network
from .common import (
    Context,
    case_result,
    logged_in,
    peak_in_subprocess,
    table_url,
    write_our_workbook,
)
from .timing import Runs, compare

ROW_MARKER = 'id="action-'
# The admin's first page: as many rows as the table page's first page.
ADMIN_PAGE = 100
# The growth each page may have: flat, but for the import preview (linear).
SLOPE_GOALS = {"table": 0.15, "timeline": 0.15, "dashboard": 0.15, "import_preview": 1.0}


def _get(client: Client, url: str, marker: str | None = None) -> Callable[[], int]:
    """GET ``url``, refused unless it answers 200; the rows it shows (by ``marker``)."""

    def run() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response.content.decode().count(marker) if marker else 0

    return run


def table_big_vs_admin(ctx: Context) -> dict:
    """GET of the big roadmap's table page (its first page, once the table is paged)
    ÷ the admin changelist's first page of the same roadmap, same columns."""
    roadmap = ctx.network.big
    client = logged_in(ctx)
    ours = _get(client, table_url(roadmap), ROW_MARKER)
    admin_url = f"/bench-admin-paged/actions/action/?roadmap__id__exact={roadmap.pk}"
    admin = _get(client, admin_url, 'name="_selected_action"')
    shown, admin_shown = ours(), admin()
    if admin_shown != min(ADMIN_PAGE, ctx.size):
        raise RuntimeError(f"the admin shows {admin_shown} rows")
    ours_runs, admin_runs = compare(ours, admin, repeat=ctx.repeat)
    return case_result(
        "table_5000_vs_admin",
        ours_runs,
        admin_runs,
        actions=ctx.size,
        ours_rows_shown=shown,
        admin_rows_shown=admin_shown,
    )


def scale_roadmaps(ctx: Context) -> dict[int, tuple[Roadmap, object]]:
    """A city of each of the two sizes, built once for the scale cases: its roadmap
    and its editor (whose dashboard is that city's)."""
    if not ctx.built:
        for size in ctx.slope_sizes:
            ctx.built[size] = network.add_city(actions=size, name=f"Scale city {size}")
        network.analyze()
    return ctx.built


def _preview(roadmap: Roadmap) -> Callable[[], object]:
    """The import page's check and preview of the roadmap's own workbook."""
    out = io.BytesIO()
    write_our_workbook(roadmap, out)
    content = out.getvalue()

    def run():
        upload = io.BytesIO(content)
        check_workbook_file(upload, len(content))
        preview = preview_import(roadmap, upload, max_rows=COMMAND_MAX_ROWS)
        if preview.change_count:
            raise RuntimeError(f"the roadmap's own workbook changes rows: {preview.counts}")

    return run


def _pages(ctx: Context, roadmap: Roadmap, editor) -> dict[str, Callable[[], object]]:
    admin = logged_in(ctx)
    own = Client()
    own.force_login(editor)
    return {
        "table": _get(admin, table_url(roadmap)),
        "timeline": _get(admin, reverse("actions:timeline", args=[roadmap.pk])),
        "dashboard": _get(own, reverse("dashboard")),
        "import_preview": _preview(roadmap),
    }


def slope(small: float, large: float, small_size: int, large_size: int) -> float:
    """The growth exponent of t(size) between the two sizes: 1 linear, 0 flat."""
    return math.log(large / small) / math.log(large_size / small_size)


def scale_slope(ctx: Context) -> dict:
    small_size, large_size = ctx.slope_sizes
    built = scale_roadmaps(ctx)
    small, large = (_pages(ctx, *built[size]) for size in (small_size, large_size))
    slopes, cpu_slopes, seconds, runs = {}, {}, {}, {}
    for page in SLOPE_GOALS:
        large_runs, small_runs = compare(large[page], small[page], repeat=ctx.repeat)
        runs[page] = (large_runs, small_runs)
        slopes[page] = slope(small_runs.median, large_runs.median, small_size, large_size)
        seconds[page] = {
            "small_s": round(small_runs.median, 4),
            "large_s": round(large_runs.median, 4),
            "small_cpu_s": round(small_runs.cpu_median, 4),
            "large_cpu_s": round(large_runs.cpu_median, 4),
        }
        cpu_slopes[page] = round(
            slope(small_runs.cpu_median, large_runs.cpu_median, small_size, large_size), 3
        )
    flat = [page for page, goal in SLOPE_GOALS.items() if goal < 1.0]
    worst = max(flat, key=slopes.get)
    result = case_result("scale_slope", *runs[worst], ratio=slopes[worst])
    result.update(
        met=all(slopes[page] <= goal for page, goal in SLOPE_GOALS.items()),
        worst_flat_page=worst,
        slopes={page: round(value, 3) for page, value in slopes.items()},
        # The same growth in this process's CPU seconds (with SQLite: the database's
        # work too), which the other programs on the machine disturb less.
        cpu_slopes=cpu_slopes,
        goals=SLOPE_GOALS,
        met_per_page={page: slopes[page] <= goal for page, goal in SLOPE_GOALS.items()},
        seconds=seconds,
        small_actions=small_size,
        large_actions=large_size,
    )
    return result


def table_memory(ctx: Context) -> dict:
    """How far one GET of the table page raises the peak memory of a fresh
    interpreter, at the large size ÷ at the small (bench/memory.py --table)."""
    small_size, large_size = ctx.slope_sizes
    built = scale_roadmaps(ctx)
    # The child reads what this process wrote: nothing may stay in an open transaction.
    connection.close()
    user = str(ctx.network.admin.pk)
    warmup = ctx.network.table_small
    measured = {}
    # Each in a fresh interpreter: the order cannot warm one for the other.
    for size in (small_size, large_size):
        measured[size] = peak_in_subprocess(built[size][0], warmup, "--table", user)
    (small_peak, small_s), (large_peak, large_s) = measured[small_size], measured[large_size]
    return case_result(
        "table_memory_10k_vs_1k",
        Runs([large_s]),
        Runs([small_s]),
        ratio=large_peak / small_peak,
        ours_actions=large_size,
        baseline_actions=small_size,
        ours_peak_mb=round(large_peak / 2**20, 2),
        baseline_peak_mb=round(small_peak / 2**20, 2),
    )
