"""In a real browser: the job page follows its job without a reload (htmx polling)
until it offers the file, and the roadmap's follow button changes in place; all
under the Content Security Policy."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from tests import factories

from .test_csp_in_browser import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_polls_until_the_file_is_ready(page_for, live_server, sofia):
    editor = factories.editor(sofia)
    roadmap = factories.roadmap(sofia)
    job = Job.objects.create(
        owner=editor,
        kind=Job.Kind.EXPORT,
        title="Workbook of the roadmap",
        params={"roadmap": roadmap.pk, "query": "", "lang": "en"},
        language="en",
        state=Job.State.RUNNING,
        rows_total=10,
        rows_read=4,
    )
    page = page_for(editor)
    violations = watch_csp(page)
    page.goto(live_server.url + job.get_absolute_url())
    assert page.locator("progress").get_attribute("value") == "20"
    page.evaluate("window.notReloaded = true")

    Job.objects.filter(pk=job.pk).update(rows_read=10, rows_written=6)
    page.locator("progress[value='80']").wait_for()  # (10 + 6) of 2 x 10, no reload
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        rows_written=10,
        finished_at=timezone.now(),
        result_name="roadmap.xlsx",
        result_type="application/octet-stream",
        result_file=b"PK",
    )
    link = page.get_by_role("link", name="Download roadmap.xlsx")
    link.wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert link.get_attribute("href") == reverse("jobs:download", args=[job.pk])
    assert page.locator("progress").count() == 0
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "roadmap.xlsx"
    assert violations == []


def test_the_roadmap_follow_button_changes_in_place(page_for, live_server, sofia):
    editor = factories.editor(sofia)
    roadmap = factories.roadmap(sofia)
    page = page_for(editor)
    violations = watch_csp(page)
    page.goto(live_server.url + roadmap.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Follow the whole roadmap").click()
    page.get_by_role("button", name="Stop following the roadmap").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert roadmap.follows.filter(user=editor).exists()
    page.get_by_role("button", name="Stop following the roadmap").click()
    page.get_by_role("button", name="Follow the whole roadmap").wait_for()
    assert not roadmap.follows.exists()
    assert violations == []
