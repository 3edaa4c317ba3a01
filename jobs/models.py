import datetime

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def param_in(self, name: str, ids):
        """The jobs whose whole-number parameter ``name`` (a roadmap's id) is among
        ``ids`` (a list, or a queryset of values)."""
        return self.alias(
            **{f"param_{name}": Cast(KT(f"params__{name}"), models.IntegerField())}
        ).filter(**{f"param_{name}__in": ids})


class Job(models.Model):
    """One piece of a user's background work, run by a task.

    The task reports its progress here (django-tasks 0.12 has no progress or
    metadata of its own), so the row is what the job page polls. The result is
    stored only when the work is complete, in one update with the state: a page
    never offers half a file. The file lives in the database, so that every app
    server reads what any worker wrote (no shared file system); the row, file and
    all, is removed ``JOB_KEEP_HOURS`` after it finished (``jobs_prune``).
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("workbook export")
        IMPORT_PREVIEW = "import_preview", _("preview of a workbook import")
        IMPORT_APPLY = "import_apply", _("workbook import")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    FINISHED = (State.DONE, State.FAILED)
    # Queued longer than this, the page says no worker has taken it yet.
    LONG_WAIT = datetime.timedelta(minutes=2)
    # The counts each kind reports, in the order its work passes them (the bar
    # adds them up). An import's apply reads and checks the rows again, then writes
    # them in one transaction, whose progress no other connection sees before its
    # commit; an export writes its other sheets (funding, pledges, partners, the
    # timeline) after the counted rows. Either page says "writing" then, without a
    # count (``writing``), rather than a bar stopped at 99 %.
    STAGES = {
        Kind.EXPORT: ("rows_read", "rows_written"),
        Kind.IMPORT_PREVIEW: ("rows_read", "rows_checked"),
        Kind.IMPORT_APPLY: ("rows_read", "rows_checked"),
    }
    # The kinds whose last step is such a write, after their counted stages.
    WRITES_AT_ONCE = (Kind.IMPORT_APPLY, Kind.EXPORT)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    title = models.CharField(_("title"), max_length=300)
    # What the task works on (a roadmap's id, the table's filter, ...), as JSON.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    back_url = models.CharField(_("back to"), max_length=500, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result_type = models.CharField(_("file type"), max_length=100, blank=True)
    result_file = models.BinaryField(_("file"), blank=True, default=b"")
    # A result that is not a file (an import's preview), and the page that opens it.
    result_data = models.JSONField(_("result"), default=dict, blank=True)
    result_url = models.CharField(_("result page"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "state"], name="job_owner_state")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("jobs:job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def waits_long(self) -> bool:
        """Queued for a while: is a worker running (``manage.py db_worker``)?"""
        return self.state == self.State.QUEUED and timezone.now() - self.created_at > self.LONG_WAIT

    @property
    def stages(self) -> list[tuple[str, int]]:
        """The counts this kind of job reports: (what is counted, count)."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.STAGES.get(self.kind, ())
        ]

    @property
    def writing(self) -> bool:
        """Running its one transaction's write: every counted stage is through."""
        return (
            self.kind in self.WRITES_AT_ONCE
            and self.state == self.State.RUNNING
            and self.rows_total > 0
            and all(count >= self.rows_total for _name, count in self.stages)
        )

    @property
    def percent(self) -> int:
        """How far the work has got, 0-100; 100 only when it is done."""
        if self.state == self.State.DONE:
            return 100
        stages = self.stages
        if not stages or not self.rows_total:
            return 0
        done = sum(min(count, self.rows_total) for _name, count in stages)
        return min(99, done * 100 // (self.rows_total * len(stages)))
