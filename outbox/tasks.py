"""The delivery task: the queue's workers send the mail, never a request."""

from django_tasks import default_task_backend, task

from . import services


@task()
def deliver_mail() -> dict:
    """Send the mail that is due; when some must wait for a retry, come back then."""
    result = services.deliver()
    if result.more:
        deliver_mail.enqueue()
    if result.retry_at is not None and default_task_backend.supports_defer:
        deliver_mail.using(run_after=result.retry_at).enqueue()
    return {"sent": result.sent, "failed": result.failed}


def deliver_soon() -> None:
    """Have a worker send what was just queued (in the caller's transaction, with the
    database backend: the worker sees the task when the mail rows are there too)."""
    deliver_mail.enqueue()
