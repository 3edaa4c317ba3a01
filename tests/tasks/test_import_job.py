"""A large workbook is previewed and applied by a real worker process (issue 17): the
upload starts a job, its page shows rows read and checked, the worker keeps the
preview, the page opens it (its owner's only); the apply is a job too, "writing" while
its one transaction is open, done with its counts, and all or nothing when a row
fails in the database itself."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, WorkbookImport
from actions.workbook.import_ import preview_import
from jobs.models import Job
from tests import factories
from tests.tasks.worker import DATABASE_BACKEND, run_worker, start_worker

HistoricalAction = Action.history.model
HTMX = {"HX-Request": "true"}


@pytest.fixture
def imports(settings, tmp_path):
    """The directory the app and the worker keep uploads in (the worker: from its env)."""
    settings.TASKS = DATABASE_BACKEND
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")
    return {"WORKBOOK_IMPORT_DIR": settings.WORKBOOK_IMPORT_DIR}


@pytest.fixture
def city():
    sofia = factories.sofia()
    roadmap = factories.roadmap(sofia)
    for n in range(6):
        factories.action(roadmap, title=f"Action {n}", activity_type="event")
    return sofia, roadmap, factories.editor(sofia)


def _edited(client, roadmap, settings, *, added: list[str]) -> bytes:
    """The roadmap's workbook (six rows) with two rows renamed and ``added`` rows added."""
    settings.BACKGROUND_ROWS = 1000
    response = client.get(reverse("actions:export", args=[roadmap.pk]), {"lang": "en"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Action Table"]
    sheet["A2"], sheet["A3"] = "Action 0, renamed", "Action 1, renamed"
    for title in added:
        sheet.append([title, "event"])
    out = io.BytesIO()
    workbook.save(out)
    settings.BACKGROUND_ROWS = 5
    return out.getvalue()


def _upload(client, roadmap, content: bytes):
    url = reverse("actions:import", args=[roadmap.pk])
    return client.post(url, {"workbook": SimpleUploadedFile("roadmap.xlsx", content)})


def _apply_form(page) -> dict:
    form = {"ticket": page.context["ticket"]}
    for name, value in page.context["hidden_fields"]:
        form.setdefault(name, []).append(value)
    return form


def _preview_page(client, roadmap, content, imports):
    """Upload ``content``, let a worker preview it, and open the preview it kept."""
    response = _upload(client, roadmap, content)
    job = Job.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url()
    run_worker(**imports)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    return job, client.get(job.result_url)


@pytest.mark.django_db(transaction=True)
def test_a_large_import_is_previewed_and_applied_by_a_worker(settings, imports, city):
    sofia, roadmap, editor = city
    client = Client()
    client.force_login(editor)
    content = _edited(client, roadmap, settings, added=["New A", "New B"])

    response = _upload(client, roadmap, content)

    job = Job.objects.get()
    assert (job.kind, job.state, job.owner) == (Job.Kind.IMPORT_PREVIEW, Job.State.QUEUED, editor)
    assert job.rows_total == 8  # counted by the request, under the header
    page = client.get(response["Location"], headers=HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="0"' in page
    assert "Rows read: 0 of 8" in page and "Rows checked: 0 of 8" in page

    run_worker(**imports)

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert (job.rows_total, job.rows_read, job.rows_checked) == (8, 8, 8)
    # The polled page sends htmx to the preview, which the worker kept.
    polled = client.get(job.get_absolute_url(), headers=HTMX)
    assert polled["HX-Redirect"] == job.result_url
    page = client.get(job.result_url)
    assert page.status_code == 200
    assert page.context["counts"] == {"new": 2, "changed": 2, "unchanged": 4, "conflict": 0,
                                      "error": 0, "ignored": 0}  # fmt: skip
    assert page.context["preview"] == preview_import(roadmap, io.BytesIO(content))
    assert not roadmap.actions.filter(title="New A").exists()  # a preview writes nothing
    others = Client()
    others.force_login(factories.user("editor-2", role="editor", cities=[sofia]))
    assert others.get(job.get_absolute_url()).status_code == 404
    assert others.get(job.result_url).status_code == 404

    applied = client.post(reverse("actions:import", args=[roadmap.pk]), _apply_form(page))

    apply = Job.objects.get(kind=Job.Kind.IMPORT_APPLY)
    assert applied["Location"] == apply.get_absolute_url()
    assert apply.state == Job.State.QUEUED
    assert not roadmap.actions.filter(title="New A").exists()

    run_worker(**imports)

    apply.refresh_from_db()
    assert apply.state == Job.State.DONE, apply.error
    assert (apply.rows_read, apply.rows_checked, apply.rows_written) == (8, 8, 4)
    assert apply.result_data == {"created": 2, "changed": 2}
    html = client.get(apply.get_absolute_url()).content.decode()
    assert "Imported: 2 new and 2 changed actions." in html
    assert f'href="{roadmap.get_absolute_url()}" id="job-result"' in html
    titles = set(roadmap.actions.values_list("title", flat=True))
    assert {"New A", "New B", "Action 0, renamed", "Action 1, renamed"} <= titles
    assert len(titles) == 8
    assert WorkbookImport.objects.get().created == 2


@pytest.mark.django_db(transaction=True)
def test_a_row_the_database_refuses_leaves_nothing_written(settings, imports, city):
    _sofia, roadmap, editor = city
    client = Client()
    client.force_login(editor)
    content = _edited(client, roadmap, settings, added=["New A", "Boom"])
    _job, page = _preview_page(client, roadmap, content, imports)
    assert page.context["preview"].can_apply
    before = (
        sorted(roadmap.actions.values_list("title", flat=True)),
        HistoricalAction.objects.count(),
    )
    client.post(reverse("actions:import", args=[roadmap.pk]), _apply_form(page))

    with _refused_title("Boom"):
        worker = run_worker(**imports)

    apply = Job.objects.get(kind=Job.Kind.IMPORT_APPLY)
    assert apply.state == Job.State.FAILED
    assert apply.error.startswith("Something went wrong, and nothing was kept.")
    assert "boom" in worker.stdout + worker.stderr  # logged, with its traceback
    after = (
        sorted(roadmap.actions.values_list("title", flat=True)),
        HistoricalAction.objects.count(),
    )
    assert after == before
    assert not WorkbookImport.objects.exists()  # the claim was rolled back too
    html = client.get(apply.get_absolute_url()).content.decode()
    assert "It did not work, and nothing was kept." in html


class _refused_title:
    """A trigger that makes the database refuse a new action of this title."""

    def __init__(self, title: str):
        self.title = title
        self.table = Action._meta.db_table

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION test_refuse_title() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.title = '{self.title}' THEN RAISE EXCEPTION 'boom'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    f"CREATE TRIGGER test_refuse_title BEFORE INSERT ON {self.table} "
                    "FOR EACH ROW EXECUTE FUNCTION test_refuse_title()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER test_refuse_title BEFORE INSERT ON {self.table} "
                    f"WHEN NEW.title = '{self.title}' BEGIN SELECT RAISE(ABORT, 'boom'); END"
                )

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS test_refuse_title ON {self.table}")
                cursor.execute("DROP FUNCTION IF EXISTS test_refuse_title()")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS test_refuse_title")


@pytest.mark.django_db(transaction=True)
def test_the_apply_s_page_says_writing_while_its_transaction_is_open(settings, imports, city):
    if connection.vendor != "postgresql":
        pytest.skip("a row lock held while another process writes: PostgreSQL")
    _sofia, roadmap, editor = city
    client = Client()
    client.force_login(editor)
    content = _edited(client, roadmap, settings, added=["New A"])
    _job, page = _preview_page(client, roadmap, content, imports)
    client.post(reverse("actions:import", args=[roadmap.pk]), _apply_form(page))
    apply = Job.objects.get(kind=Job.Kind.IMPORT_APPLY)
    renamed = roadmap.actions.get(title="Action 0")

    with transaction.atomic():
        # The worker's write waits for this lock, its transaction open.
        Action.objects.select_for_update().get(pk=renamed.pk)
        worker = start_worker(**imports)
        try:
            deadline = time.monotonic() + 60
            while not Job.objects.get(pk=apply.pk).writing:
                assert time.monotonic() < deadline, "the worker never got to the write"
                assert worker.poll() is None, worker.communicate()[0]
                time.sleep(0.2)
            time.sleep(0.5)  # it is waiting for the lock now, nothing committed
            html = client.get(apply.get_absolute_url(), headers=HTMX).content.decode()
            assert "Writing… All the rows are saved together, or none of them." in html
            assert "Rows written" not in html
            assert not Action.objects.filter(title="New A").exists()
        except BaseException:
            worker.kill()
            raise
    output, _ = worker.communicate(timeout=120)

    assert worker.returncode == 0, output
    apply.refresh_from_db()
    assert apply.state == Job.State.DONE, apply.error
    assert apply.result_data == {"created": 1, "changed": 2}
