"""The hourly send_reminders removes background jobs (and their files) past their
keeping time."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from jobs.models import Job


def test_send_reminders_removes_old_jobs_and_keeps_fresh_ones(editor, settings):
    settings.JOB_KEEP_HOURS = 24
    now = timezone.now()
    old, fresh = (
        Job.objects.create(
            owner=editor,
            kind=Job.Kind.EXPORT,
            title=title,
            language="en",
            state=Job.State.DONE,
            result_file=b"PK",
        )
        for title in ("old", "fresh")
    )
    Job.objects.filter(pk=old.pk).update(finished_at=now - datetime.timedelta(hours=25))
    Job.objects.filter(pk=fresh.pk).update(finished_at=now - datetime.timedelta(hours=1))
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "removed 1 old background jobs" in out.getvalue()
    assert list(Job.objects.values_list("title", flat=True)) == ["fresh"]
