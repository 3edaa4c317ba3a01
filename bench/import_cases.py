"""The import cases: the import page's two requests as the views run them, against
django-import-export set up as its admin would be and against the libraries' limit
(python-calamine's read and bulk_update_with_history)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable

from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from actions.models import Roadmap
from actions.workbook import uploads as kept_uploads
from actions.workbook.export import (
    COLUMN_KEYS,
)
from actions.workbook.import_ import COMMAND_MAX_ROWS, preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.labels import label
from actions.workbook.safety import check_workbook_file

from . import baselines
from .common import Context, case_result, write_our_workbook
from .timing import compare


def changed_workbooks(roadmap: Roadmap) -> tuple[bytes, bytes, int]:
    """Our workbook of ``roadmap`` with every row's progress changed, twice over:
    whole (for our import) and as its Action Table sheet alone (django-import-export
    reads a workbook's first sheet; ours is the Overview)."""
    exported = io.BytesIO()
    write_our_workbook(roadmap, exported)
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
    return case_result("import_vs_import_export", ours_runs, their_runs, rows_changed=changed)


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
    return case_result("import_5000_vs_limit", ours_runs, limit_runs, rows_changed=changed)
