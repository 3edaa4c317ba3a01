"""Every write of a job: started by a request, run by a task, pruned by the hourly run.

A job's task calls ``job_run`` with the work to do. The work reports its progress
through a ``Progress`` (throttled updates of the job row, each committed at once,
so the job page sees them) and returns a ``JobResult``; the result is stored with
the state in one update, so the page offers a result only when it is whole. A
``JobFailed`` is a failure to tell the owner (its message, in the job's language);
anything else is logged with its traceback, the owner is told that it failed, and
the task's result records the error.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

# Unfinished jobs one user may have at a time (a double click reuses the first).
MAX_OPEN_JOBS = 3


class JobFailed(Exception):
    """Work that cannot be done; ``message`` is what its owner reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyJobs(Exception):
    status = 429

    def __init__(self):
        self.message = _(
            "You have %(count)s exports or imports under way: wait until one of them is done."
        ) % {"count": MAX_OPEN_JOBS}
        super().__init__(self.message)


@dataclass
class JobResult:
    """What a job produced: a file to download, and/or data and the page that shows it."""

    name: str = ""
    content_type: str = ""
    content: bytes = b""
    data: dict = field(default_factory=dict)
    url: str = ""


# --- Who may open a job ------------------------------------------------------------

_access_scopes: dict[str, Callable] = {}


def register_access(kind: str, scope: Callable) -> None:
    """``scope(user, jobs) -> jobs``: narrow a queryset of the user's jobs of ``kind`` to
    those whose result they may still open (the app that runs the kind registers it
    in its ``ready()``: may they still read the roadmap?). Without one, being the
    owner is enough."""
    _access_scopes[kind] = scope


def openable_jobs(user):
    """The jobs ``user`` may open: their own, of which each kind's scope still lets
    them in; newest first, without their files."""
    if not user.is_authenticated:
        return Job.objects.none()
    own = Job.objects.filter(owner=user)
    allowed = ~Q(kind__in=list(_access_scopes))
    for kind, scope in _access_scopes.items():
        allowed |= Q(pk__in=scope(user, own.filter(kind=kind)).values("pk"))
    return own.filter(allowed).defer("result_file", "result_data")


def may_open(user, job: Job) -> bool:
    if not user.is_authenticated or job.owner_id != user.pk:
        return False
    scope = _access_scopes.get(job.kind)
    return scope is None or scope(user, Job.objects.filter(pk=job.pk)).exists()


# --- Starting ------------------------------------------------------------------------


def job_start(
    *, owner, kind: str, title: str, params: dict, task, back_url: str = "", rows_total: int = 0
) -> Job:
    """Create the owner's job and queue ``task`` (called with the job's id); the same
    unfinished job of the same owner and parameters is returned instead of a second."""
    with transaction.atomic():
        unfinished = (
            Job.objects.select_for_update().filter(owner=owner).exclude(state__in=Job.FINISHED)
        )
        open_jobs = list(unfinished.only("pk", "kind", "params"))
        for job in open_jobs:
            if job.kind == kind and job.params == params:
                return Job.objects.defer("result_file").get(pk=job.pk)
        if len(open_jobs) >= MAX_OPEN_JOBS:
            raise TooManyJobs
        job = Job.objects.create(
            owner=owner,
            kind=kind,
            title=title[:300],
            params=params,
            back_url=back_url,
            rows_total=rows_total,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    # With the database backend the task is a row the workers see once it is
    # committed; with the immediate one it runs here, and is done on return.
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db(fields=[f.name for f in Job._meta.fields if f.name != "result_file"])
    return job


# --- Running -------------------------------------------------------------------------


class Progress:
    """How far a running job has got, written to its row at most every ``every``
    seconds (and at the end), each write committed at once."""

    def __init__(self, job: Job, *, every: float = 1.0):
        self.job = job
        self.every = every
        self._counts: dict[str, int] = {}
        self._last = time.monotonic()

    def total(self, rows: int) -> None:
        self.job.rows_total = rows
        Job.objects.filter(pk=self.job.pk).update(rows_total=rows)

    def __call__(self, **counts: int) -> None:
        self._counts.update(counts)
        if time.monotonic() - self._last >= self.every:
            self.flush()

    def flush(self) -> None:
        if self._counts:
            for name, count in self._counts.items():
                setattr(self.job, name, count)
            Job.objects.filter(pk=self.job.pk).update(**self._counts)
            self._counts = {}
        self._last = time.monotonic()


# What the owner reads when the work broke in a way nobody foresaw (it is logged).
def _unexpected() -> str:
    return _(
        "Something went wrong, and nothing was kept. Try again; if it fails again, "
        "tell the network admin (the error was logged)."
    )


def job_run(job_id: int, work: Callable[[Job, Progress], JobResult]) -> str:
    """Run ``work`` for the queued job ``job_id``, once; its state as it ends."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now
    )
    if not claimed:
        return "skipped"  # run already (a second delivery of the task), or removed
    job = Job.objects.defer("result_file").get(pk=job_id)
    progress = Progress(job)
    with translation.override(job.language):
        try:
            result = work(job, progress)
        except JobFailed as exc:
            logger.warning("Job %s (%s) failed: %s", job.pk, job.kind, exc.message)
            _finish(job, state=Job.State.FAILED, error=exc.message)
            return Job.State.FAILED
        except Exception:
            logger.exception("Job %s (%s) broke", job.pk, job.kind)
            _finish(job, state=Job.State.FAILED, error=_unexpected())
            raise  # the task's result keeps the traceback too
    progress.flush()
    _finish(
        job,
        state=Job.State.DONE,
        result_name=result.name,
        result_type=result.content_type,
        result_file=result.content,
        result_data=result.data,
        result_url=result.url,
    )
    return Job.State.DONE


def _finish(job: Job, **changes) -> None:
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        finished_at=timezone.now(), **changes
    )


# --- Removing ------------------------------------------------------------------------


def jobs_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the jobs (and their files) finished more than ``JOB_KEEP_HOURS`` ago,
    and those never finished in that time (a worker that was stopped mid-way)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.JOB_KEEP_HOURS)
    old = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    deleted, _per_model = Job.objects.filter(old).delete()
    return deleted
