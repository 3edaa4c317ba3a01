"""Queue the day's reminders (for cron or a systemd timer; running it twice in a day
sends nothing twice)."""

from django.core.management.base import BaseCommand

from notifications.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Queue the daily digests (deadlines, next steps, what people follow), the meeting "
        "reminders and the minutes reminders; the task worker sends them. Idempotent. "
        "Also removes background jobs (and their files) past JOB_KEEP_HOURS."
    )

    def handle(self, *args, **options):
        result = reminders_send()
        self.stdout.write(
            f"Queued {result.digests} digests, {result.meeting_reminders} meeting reminders, "
            f"{result.minutes_reminders} minutes reminders, "
            f"{result.follow_digests} digests of what people follow; "
            f"removed {result.jobs_removed} old background jobs."
        )
