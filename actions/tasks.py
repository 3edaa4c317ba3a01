"""The workbook export of a large roadmap, as a background job (``jobs.Job``).

The view starts it (``export_start``) when the roadmap's table holds more than
``BACKGROUND_ROWS`` actions; a worker writes the same workbook the request would
have written, reporting rows read and written through the job, and stores the file
with the job when it is whole.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core import permissions
from jobs.models import Job
from jobs.services import JobFailed, JobResult, Progress, job_run, job_start, register_access

from .filters import ActionFilter
from .models import Roadmap
from .workbook.export import (
    describe_filter,
    export_queryset,
    registered_sheets,
    workbook_filename,
    write_workbook,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Up to this size the workbook is built in memory, beyond it in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def export_filter(roadmap: Roadmap, query: QueryDict, user) -> ActionFilter:
    """The table's filter as the user set it, over the roadmap's actions."""
    return ActionFilter(
        query or None,
        queryset=roadmap.actions.all(),
        roadmap=roadmap,
        organisation_id=permissions.access_for(user).organisation_id,
        staff=permissions.can_edit_roadmap(user, roadmap),
    )


def export_write(roadmap: Roadmap, filterset: ActionFilter, language: str, *, on_row=None):
    """The workbook, written to a temporary file (rewound) in ``language``."""
    # The caller (a FileResponse, or the task) closes the file.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with translation.override(language):
        write_workbook(
            roadmap,
            export_queryset(filterset.qs, sorted_by_user=filterset.is_sorted),
            out,
            filter_description=describe_filter(filterset),
            extra_sheets=registered_sheets(),
            on_row=on_row,
        )
    out.seek(0)
    return out


def is_large(filterset: ActionFilter) -> bool:
    return filterset.qs.count() > settings.BACKGROUND_ROWS


def export_start(*, roadmap: Roadmap, query: QueryDict, language: str, by) -> Job:
    """Start the owner's export of ``roadmap`` as a job (or find the same one under way)."""
    return job_start(
        owner=by,
        kind=Job.Kind.EXPORT,
        title=_("Workbook of %(roadmap)s") % {"roadmap": roadmap.title},
        params={"roadmap": roadmap.pk, "query": query.urlencode(), "lang": language},
        task=export_workbook,
        back_url=roadmap.get_absolute_url(),
    )


def _roadmap_of(job: Job, user) -> Roadmap | None:
    return (
        Roadmap.objects.select_related("city")
        .filter(permissions.roadmap_filter(user), pk=job.params.get("roadmap"))
        .first()
    )


def _export(job: Job, progress: Progress) -> JobResult:
    roadmap = _roadmap_of(job, job.owner)
    if roadmap is None:
        raise JobFailed(_("The roadmap is no longer there, or no longer yours to read."))
    filterset = export_filter(roadmap, QueryDict(job.params.get("query", "")), job.owner)
    progress.total(filterset.qs.count())
    language = job.params.get("lang") or job.language

    def on_row(read: int, written: int) -> None:
        progress(rows_read=read, rows_written=written)

    with export_write(roadmap, filterset, language, on_row=on_row) as out:
        content = out.read()
    return JobResult(
        name=workbook_filename(roadmap, timezone.localdate()), content_type=XLSX, content=content
    )


@task()
def export_workbook(job_id: int) -> str:
    """Write the workbook a job asked for, and keep it with the job."""
    return job_run(job_id, _export)


def register_job_access() -> None:
    """An export's file is its owner's while they may still read its roadmap."""
    register_access(
        Job.Kind.EXPORT,
        lambda user, jobs: jobs.param_in(
            "roadmap", Roadmap.objects.filter(permissions.roadmap_filter(user)).values("pk")
        ),
    )
