"""The import of a large workbook (more than ``BACKGROUND_ROWS`` rows) as background
jobs (``jobs.Job``): its preview, the mapping step's previews, and its apply.

The import page keeps the upload as for any preview (``uploads.store``) and starts a
preview job; the worker previews the kept file with the same function and choices as
the request would have (reporting rows read and checked) and keeps the preview with
the job (``preview_json``); the job page then opens the preview page
(``/roadmaps/<id>/import/?job=<id>``), which shows that preview. Its apply button
starts an apply job: the worker previews the file again (the roadmap may have changed
since), then claims the upload and writes every row in one transaction, as the
request would have: all or nothing, once. Its progress inside that transaction is
seen by nobody before the commit, so its page says "writing" without a count.

A worker reads the kept file from ``WORKBOOK_IMPORT_DIR``, which it must share with
the app servers (on one machine, the default directory is shared).
"""

from __future__ import annotations

import io
from typing import IO

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from core import permissions
from core.database import is_database_busy
from jobs.models import Job
from jobs.services import JobFailed, JobResult, Progress, job_run, job_start, register_access

from .models import Roadmap
from .workbook import header, mapping_form, preview_json, uploads
from .workbook import progress as reading_progress
from .workbook.import_ import preview_import
from .workbook.import_apply import apply_import
from .workbook.mapping import ImportOptions, OptionError
from .workbook.preview import ImportFailed, ImportPreview, WorkbookRejected
from .workbook.safety import UnsafeUpload, check_workbook_file
from .workbook.sheet_choice import read_action_sheet
from .workbook.summary import remember

# What a job previews and applies (a request: ``import_.MAX_ROWS``). Its apply holds
# the database's write lock while it writes (on SQLite, other writers wait or are
# told that the database is busy).
JOB_MAX_ROWS = 10_000
# What of the preview page's POST is not a choice of the mapping step.
_NOT_CHOICES = ("csrfmiddlewaretoken", "ticket", "refresh", "cancel")


def sheet_rows(fileobj: IO[bytes], options: ImportOptions) -> int:
    """How many rows the workbook's Action Table sheet holds under its header (raises
    WorkbookRejected, as the preview would: no such sheet, no header, unreadable, more
    rows than a job takes)."""
    rows = read_action_sheet(fileobj, options, max_rows=JOB_MAX_ROWS).rows
    count = len(rows) - header.header_at(rows, options) - 1
    # The reader lets a few rows past the cap (it looks for the header among them):
    # refused here, not by a job started only to fail.
    if count > JOB_MAX_ROWS:
        raise WorkbookRejected(
            _("The sheet has more than %(count)s rows.") % {"count": JOB_MAX_ROWS}
        )
    return count


def is_large(rows: int) -> bool:
    return rows > settings.BACKGROUND_ROWS


def choices_of(post: QueryDict) -> str:
    """The mapping step's choices in a POST, as a job keeps them (``mapping_form.options``
    reads them back)."""
    kept = post.copy()
    for name in _NOT_CHOICES:
        kept.pop(name, None)
    return kept.urlencode()


def preview_start(
    *, roadmap: Roadmap, ticket: str, choices: str, rows: int, refresh: bool, by
) -> Job:
    """Preview the kept upload of ``ticket`` in a job (``refresh``: the mapping step's)."""
    return job_start(
        owner=by,
        kind=Job.Kind.IMPORT_PREVIEW,
        title=_("Preview of an import into %(roadmap)s") % {"roadmap": roadmap.title},
        params={"roadmap": roadmap.pk, "ticket": ticket, "form": choices, "refresh": refresh},
        task=preview_workbook,
        back_url=reverse("actions:import", args=[roadmap.pk]),
        rows_total=rows,
    )


def apply_start(*, roadmap: Roadmap, ticket: str, choices: str, rows: int, by) -> Job:
    """Apply the kept upload of ``ticket`` in a job, with the preview's choices."""
    return job_start(
        owner=by,
        kind=Job.Kind.IMPORT_APPLY,
        title=_("Import into %(roadmap)s") % {"roadmap": roadmap.title},
        params={"roadmap": roadmap.pk, "ticket": ticket, "form": choices},
        task=apply_workbook,
        back_url=roadmap.get_absolute_url(),
        rows_total=rows,
    )


def preview_of(job: Job) -> tuple[ImportPreview, str | None]:
    """A finished preview job's preview, and the ticket its page offers (if any)."""
    return preview_json.decode(job.result_data["preview"]), job.result_data.get("ticket") or None


# --- In the worker -------------------------------------------------------------------


def _roadmap_of(job: Job, user) -> Roadmap | None:
    """The job's roadmap, if ``user`` may still import into it (its staff, or a
    partner who updates some action of it: ``workbook.partner_scope``)."""
    roadmap = Roadmap.objects.select_related("city").filter(pk=job.params.get("roadmap")).first()
    if roadmap is None or not permissions.can_import_workbook(user, roadmap):
        return None
    return roadmap


def _gone() -> JobFailed:
    return JobFailed(_("The uploaded workbook is no longer available; upload it again."))


def _prepare(job: Job) -> tuple[Roadmap, dict, ImportOptions]:
    roadmap = _roadmap_of(job, job.owner)
    if roadmap is None:
        raise JobFailed(_("The roadmap is no longer there, or no longer yours to edit."))
    try:
        options = mapping_form.options(QueryDict(job.params.get("form", "")))
    except OptionError as exc:
        raise JobFailed(str(exc)) from None
    return roadmap, {"roadmap_id": roadmap.pk, "user_id": job.owner_id}, options


def _load(ticket: str, owner: dict) -> bytes:
    try:
        return uploads.load(ticket, **owner)
    except uploads.TicketInvalid:
        raise _gone() from None


def _previewed(roadmap, content: bytes, options, progress: Progress, *, user) -> ImportPreview:
    """The request's preview of the file as ``user`` sends it (a partner's narrowed
    to what is theirs), reporting rows read and checked."""

    def on_read(rows: int) -> None:
        progress.total(rows)
        progress(rows_read=rows)

    def on_checked(rows: int) -> None:
        progress(rows_checked=rows)

    try:
        with reading_progress.listening(on_read=on_read, on_checked=on_checked):
            preview = preview_import(
                roadmap, io.BytesIO(content), max_rows=JOB_MAX_ROWS, options=options, user=user
            )
    except WorkbookRejected as exc:
        raise JobFailed(exc.message) from None
    progress.flush()
    return preview


def _preview(job: Job, progress: Progress) -> JobResult:
    roadmap, owner, options = _prepare(job)
    ticket = job.params.get("ticket", "")
    preview = _previewed(roadmap, _load(ticket, owner), options, progress, user=job.owner)
    # Kept as the request keeps it: for the apply, for a hand-made file's mapping step.
    kept = job.params.get("refresh") or preview.can_apply or preview.hand_made
    if not kept:
        uploads.discard(ticket, **owner)
    return JobResult(
        data={"preview": preview_json.encode(preview), "ticket": ticket if kept else ""},
        url=reverse("actions:import", args=[roadmap.pk]) + f"?job={job.pk}",
    )


def _already_applied(applied) -> JobFailed:
    return JobFailed(
        _(
            "It was imported on %(when)s: %(created)s new and %(changed)s changed actions. "
            "Nothing was imported a second time."
        )
        % {
            "when": formats.date_format(timezone.localtime(applied.applied_at), "DATETIME_FORMAT"),
            "created": applied.created,
            "changed": applied.changed,
        }
    )


def _apply(job: Job, progress: Progress) -> JobResult:
    roadmap, owner, options = _prepare(job)
    ticket = job.params.get("ticket", "")
    try:
        applied = uploads.applied(ticket, **owner)
    except uploads.TicketInvalid:
        raise _gone() from None
    if applied is not None:
        raise _already_applied(applied)
    content = _load(ticket, owner)
    try:
        check_workbook_file(io.BytesIO(content), len(content))
    except UnsafeUpload as exc:
        raise JobFailed(exc.message) from None
    # Compared with the database again: it may have changed since the preview.
    preview = _previewed(roadmap, content, options, progress, user=job.owner)
    if not preview.can_apply:
        uploads.discard(ticket, **owner)
        raise JobFailed(_("The roadmap changed since the preview; nothing was imported."))
    by = job.owner
    try:
        with transaction.atomic():
            # Claimed first, as the request claims it: one apply of an upload, ever.
            applied = uploads.claim(ticket, roadmap_id=roadmap.pk, by=by)
            result = apply_import(roadmap=roadmap, preview=preview, by=by)
            remember(roadmap=roadmap, preview=preview, by=by)
            applied.created, applied.changed = result["created"], result["changed"]
            applied.save(update_fields=["created", "changed"])
    except uploads.AlreadyApplied as exc:
        raise _already_applied(exc.applied) from None
    except ImportFailed as exc:
        uploads.discard(ticket, **owner)
        raise JobFailed(_("Nothing was imported: %(error)s") % {"error": exc.message}) from None
    except OperationalError as exc:
        if not is_database_busy(exc):
            raise
        raise JobFailed(
            _(
                "Nothing was imported: the database is busy with other changes. "
                "Try again in a minute."
            )
        ) from None
    uploads.discard(ticket, **owner)
    progress(rows_written=result["created"] + result["changed"])
    return JobResult(data={"created": result["created"], "changed": result["changed"]})


@task()
def preview_workbook(job_id: int) -> str:
    """Preview the upload a job names, and keep the preview with the job."""
    return job_run(job_id, _preview)


@task()
def apply_workbook(job_id: int) -> str:
    """Apply the upload a job names, all or nothing."""
    return job_run(job_id, _apply)


def register_job_access() -> None:
    """An import's job is its owner's while they may still edit its roadmap."""
    for kind in (Job.Kind.IMPORT_PREVIEW, Job.Kind.IMPORT_APPLY):
        register_access(
            kind,
            lambda user, jobs: jobs.param_in(
                "roadmap", permissions.importable_roadmaps(user, Roadmap.objects.all()).values("pk")
            ),
        )
