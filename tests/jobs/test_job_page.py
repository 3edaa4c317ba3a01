"""A job's page and download: its owner's only, for every role; the page polls with
htmx and reloads without JavaScript; a failure is told, and nothing half-kept."""

import datetime
import io
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import Roadmap
from jobs.models import Job
from jobs.services import MAX_OPEN_JOBS, JobFailed, job_run, jobs_prune
from tests import factories


@pytest.fixture
def large(settings, sofia_roadmap):
    """Sofia's roadmap over the size limit (3 actions, the limit 2)."""
    settings.BACKGROUND_ROWS = 2
    for n in range(3):
        factories.action(sofia_roadmap, title=f"Row {n}")
    return sofia_roadmap


def _export(client, roadmap, **query):
    return client.get(reverse("actions:export", args=[roadmap.pk]), query)


@pytest.fixture
def job(client, editor, large):
    client.force_login(editor)
    response = _export(client, large)
    assert response.status_code == 302
    client.logout()
    return Job.objects.get()


def test_a_large_export_goes_to_its_job_page_and_is_ready_there(client, editor, large):
    # The suite runs tasks at once (the immediate backend): the job is done on arrival.
    client.force_login(editor)
    factories.action(large, title="Not a match")
    response = _export(client, large, q="Row")
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.params == {"roadmap": large.pk, "query": "q=Row", "lang": "en"}
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ready." in html
    assert 'http-equiv="refresh"' not in html and "hx-trigger" not in html
    download = client.get(reverse("jobs:download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    titles = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Row 0", "Row 1", "Row 2"]  # the table as filtered
    assert f'href="{large.get_absolute_url()}"' in html  # back to the roadmap


def test_a_small_export_stays_in_the_request(client, editor, sofia_roadmap, settings):
    settings.BACKGROUND_ROWS = 2
    factories.action(sofia_roadmap)
    client.force_login(editor)
    response = _export(client, sofia_roadmap)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


def test_a_head_of_a_large_export_starts_nothing(client, editor, large):
    client.force_login(editor)
    response = client.head(reverse("actions:export", args=[large.pk]))
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_an_anonymous_visitor_of_a_public_roadmap_gets_the_file_at_once(client, large):
    large.visibility = Roadmap.Visibility.PUBLIC
    large.save()
    response = _export(client, large)
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_a_second_click_reuses_the_unfinished_job(client, editor, large, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(editor)
    first = _export(client, large)["Location"]
    assert _export(client, large)["Location"] == first
    assert Job.objects.count() == 1
    sorts = ["deadline", "-deadline", "status", "title"]
    for sort in sorts[: MAX_OPEN_JOBS - 1]:
        _export(client, large, sort=sort)
    refused = _export(client, large, sort=sorts[MAX_OPEN_JOBS - 1])
    assert refused.status_code == 302
    assert refused["Location"] == large.get_absolute_url()
    assert Job.objects.count() == MAX_OPEN_JOBS
    page = client.get(refused["Location"]).content.decode()
    assert "wait until one of them is done" in page


def test_an_unfinished_job_polls_with_htmx_and_reloads_without_javascript(client, editor, job):
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, rows_total=3, rows_read=3, rows_written=1, finished_at=None
    )
    client.force_login(editor)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<progress class="w-100" max="100" value="66"' in page  # (3 + 1) of 2 x 3
    assert "Rows read: 3 of 3" in page and "Rows written: 1 of 3" in page
    assert f'href="{job.get_absolute_url()}">Reload</a>' in page
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert 'id="job-progress"' in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    # Not finished: nothing to download yet.
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("editor", 200),  # the owner
        ("moderator", 404),  # the same city, not the owner
        ("partner", 404),
        ("other_editor", 404),  # another city
        ("network_admin", 404),  # nobody but the owner
        ("anonymous", 302),  # to log in
    ],
)
def test_only_the_owner_sees_a_job_and_downloads_its_file(client, job, request, role, status):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for url in (job.get_absolute_url(), reverse("jobs:download", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == status, (role, url)
        if status == 302:
            assert response["Location"].startswith(reverse("login"))


def test_an_owner_who_may_no_longer_read_the_roadmap_gets_a_404(client, partner, large):
    large.visibility = Roadmap.Visibility.PARTNERS
    large.save()
    client.force_login(partner)
    job = Job.objects.get(pk=int(_export(client, large)["Location"].split("/")[-2]))
    assert client.get(job.get_absolute_url()).status_code == 200
    large.visibility = Roadmap.Visibility.PRIVATE
    large.save()
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_unknown_job_answers_as_another_users(client, editor, job):
    client.force_login(job.owner)
    assert client.get(job.get_absolute_url()).status_code == 200
    client.force_login(factories.user("someone-else"))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("jobs:job", args=[job.pk + 1000])).status_code == 404


def test_a_failure_is_told_in_the_owners_language_and_logged_and_nothing_is_kept(
    client, editor, large, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("actions.tasks.write_workbook", broken)
    client.force_login(editor)
    with caplog.at_level(logging.ERROR, logger="jobs.services"):
        response = _export(client, large)
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.language == "en"
    assert job.result_name == "" and bytes(job.result_file) == b""
    assert "disk full" in caplog.text  # the traceback is logged, not shown
    page = client.get(response["Location"]).content.decode()
    assert "It did not work, and nothing was kept." in page
    assert "tell the network admin" in page
    assert "disk full" not in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_work_that_cannot_be_done_says_why(editor, large):
    job = Job.objects.create(
        owner=editor, kind=Job.Kind.EXPORT, title="t", language="en", params={"roadmap": 0}
    )

    def refuse(job, progress):
        raise JobFailed("The roadmap is gone.")

    assert job_run(job.pk, refuse) == Job.State.FAILED
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, "The roadmap is gone.")
    # A second delivery of the same task does nothing.
    assert job_run(job.pk, refuse) == "skipped"


def test_progress_is_written_while_the_work_runs(editor, large):
    job = Job.objects.create(owner=editor, kind=Job.Kind.EXPORT, title="t", language="en")
    seen = []

    def work(job, progress):
        progress.every = 0  # write every report
        progress.total(2)
        for n in (1, 2):
            progress(rows_read=n, rows_written=n - 1)
            seen.append(Job.objects.values_list("rows_read", "rows_written").get(pk=job.pk))
        from jobs.services import JobResult

        return JobResult(name="a.txt", content_type="text/plain", content=b"a")

    assert job_run(job.pk, work) == Job.State.DONE
    assert seen == [(1, 0), (2, 1)]
    job.refresh_from_db()
    assert (job.percent, bytes(job.result_file)) == (100, b"a")


def test_old_jobs_and_their_files_are_removed(editor, job):
    now = timezone.now()
    stuck = Job.objects.create(owner=editor, kind=Job.Kind.EXPORT, title="t", language="en")
    Job.objects.filter(pk=stuck.pk).update(created_at=now - datetime.timedelta(hours=25))
    assert jobs_prune(now=now) == 1  # the one never finished in a day
    assert jobs_prune(now=now + datetime.timedelta(hours=23)) == 0
    assert jobs_prune(now=now + datetime.timedelta(hours=25)) == 1
    assert not Job.objects.exists()


def test_a_result_that_is_a_page_opens_when_done(client, editor, job):
    """What the import will use: its preview is a page of its own, opened when ready."""
    Job.objects.filter(pk=job.pk).update(result_url="/roadmaps/1/import/", result_name="")
    client.force_login(editor)
    response = client.get(job.get_absolute_url())
    assert (response.status_code, response["Location"]) == (302, "/roadmaps/1/import/")
    polled = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Redirect"]) == (204, "/roadmaps/1/import/")


def test_a_job_queued_for_long_says_the_worker_may_be_stopped(client, editor, job):
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, finished_at=None)
    client.force_login(editor)
    assert (
        "No worker has taken it up yet" not in client.get(job.get_absolute_url()).content.decode()
    )
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert "No worker has taken it up yet" in client.get(job.get_absolute_url()).content.decode()


def test_an_export_past_its_counted_rows_says_it_writes_the_other_sheets(client, editor, job):
    """Every row counted, the export still writes its other sheets: the page says so
    rather than showing a bar stopped at 99 %."""
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, finished_at=None, rows_total=3, rows_read=3, rows_written=2
    )
    client.force_login(editor)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Writing the workbook" not in html
    Job.objects.filter(pk=job.pk).update(rows_written=3)
    html = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Writing the workbook's other sheets" in html
    assert "All the rows are saved together" not in html
