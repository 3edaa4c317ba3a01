"""The table page's cases (against the admin changelist of the same rows, and its
queries at two sizes) and the import page refusing bad uploads."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import uploads
from .common import Context, case_result, logged_in, table_url
from .timing import Runs, compare, timed


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


def table_vs_admin(ctx: Context) -> dict:
    roadmap = ctx.network.table
    rows = roadmap.actions.count()
    client = logged_in(ctx)
    ours, admin = compare(
        _get(client, table_url(roadmap), 'id="action-', rows),
        _get(
            client,
            f"/bench-admin/actions/action/?roadmap__id__exact={roadmap.pk}",
            'name="_selected_action"',
            rows,
        ),
        repeat=ctx.repeat,
    )
    return case_result("table_vs_admin", ours, admin, actions=rows)


def table_queries(ctx: Context) -> dict:
    client = logged_in(ctx)
    counts, seconds = {}, {}
    for key, roadmap in (("large", ctx.network.table), ("small", ctx.network.table_small)):
        run = _get(client, table_url(roadmap), 'id="action-', roadmap.actions.count())
        run()
        with CaptureQueriesContext(connection) as queries:
            seconds[key] = timed(run)
        counts[key] = len(queries)
    return case_result(
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
        ctx.network.table, logged_in(ctx), repeat=ctx.repeat
    )
    ratios = {kind: ours.median / good.median for kind, (ours, good) in per_kind.items()}
    slowest = max(ratios, key=ratios.get)
    ours, good = per_kind[slowest]
    worst_seconds = max(ours.median for ours, _good in per_kind.values())
    return case_result(
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
