"""A user's jobs, a job's page (its progress, polled by htmx; reloaded without
JavaScript) and the download of its file. Each is its owner's only: anybody else
meets a 404, and the list shows a user their own."""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core import htmx

from .models import Job
from .services import may_open, openable_jobs

# Seconds between two looks at the job: htmx polls, a page without JavaScript reloads.
POLL_SECONDS = 2


def _get_job_for_owner(request, pk: int, *, with_file: bool = False) -> Job:
    jobs = Job.objects.filter(pk=pk, owner=request.user)
    job = (jobs if with_file else jobs.defer("result_file")).first()
    if job is None or not may_open(request.user, job):
        raise Http404
    return job


@require_safe
@login_required
def job_list(request):
    jobs = openable_jobs(request.user).defer("params", "error")
    context = {"jobs": jobs, "keep_hours": settings.JOB_KEEP_HOURS}
    return render(request, "jobs/job_list.html", context)


@require_safe
@login_required
def job_detail(request, pk: int):
    job = _get_job_for_owner(request, pk)
    if job.state == Job.State.DONE and job.result_url:
        # The result is a page of its own (an import's preview): open it.
        return htmx.redirect(job.result_url) if htmx.is_htmx(request) else redirect(job.result_url)
    context = {"job": job, "poll_seconds": POLL_SECONDS, "keep_hours": settings.JOB_KEEP_HOURS}
    template = "jobs/_job_progress.html" if htmx.is_htmx(request) else "jobs/job.html"
    return htmx.vary_on_htmx(render(request, template, context))


@require_safe
@login_required
def job_download(request, pk: int):
    job = _get_job_for_owner(request, pk, with_file=True)
    if job.state != Job.State.DONE or not job.result_name:
        raise Http404
    return FileResponse(
        io.BytesIO(bytes(job.result_file)),
        as_attachment=True,
        filename=job.result_name,
        content_type=job.result_type or "application/octet-stream",
    )
