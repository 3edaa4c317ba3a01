"""A large roadmap's workbook is made by a real worker process: the export link
starts a job, its page shows the progress, the worker writes the file, and its
owner (only) downloads it."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job
from tests import factories
from tests.tasks.worker import DATABASE_BACKEND, run_worker


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_a_worker_and_downloaded_by_its_owner(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.BACKGROUND_ROWS = 3
    sofia = factories.sofia()
    roadmap = factories.roadmap(sofia)
    for n in range(5):
        factories.action(roadmap, title=f"Action {n}")
    editor = factories.editor(sofia)
    client = Client()
    client.force_login(editor)

    response = client.get(reverse("actions:export", args=[roadmap.pk]), {"lang": "en"})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    assert (job.owner, job.kind, job.state) == (editor, Job.Kind.EXPORT, Job.State.QUEUED)
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert 'value="0"' in page

    run_worker()

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert (job.rows_total, job.rows_read, job.rows_written) == (5, 5, 5)
    assert job.finished_at is not None
    assert job.task_id
    page = client.get(reverse("jobs:job", args=[job.pk]), headers={"HX-Request": "true"})
    html = page.content.decode()
    assert "hx-trigger" not in html  # polling stops
    download_url = reverse("jobs:download", args=[job.pk])
    assert download_url in html

    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename=")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    titles = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert titles == [f"Action {n}" for n in range(5)]

    other = Client()
    other.force_login(factories.moderator(sofia))
    assert other.get(download_url).status_code == 404
    assert other.get(reverse("jobs:job", args=[job.pk])).status_code == 404
