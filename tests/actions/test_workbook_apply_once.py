"""An import is applied exactly once: a second apply of one upload (a double click,
a second tab, a request that read the file before the first one deleted it) imports
nothing and says that the workbook was already imported, with a link to the
roadmap. The stored previews are removed on apply, cancel and expiry, and kept
within a cap per user and in all."""

from __future__ import annotations

import os
import pathlib
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from actions.models import Action, WorkbookImport
from actions.workbook import uploads
from actions.workbook.handmade import HandMade
from tests import factories
from tests.actions.test_workbook_import import as_file, exported

HistoricalAction = Action.history.model


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def with_new_row(client, editor, sofia_roadmap):
    """A preview of the roadmap's workbook with one new row: its ticket and content."""
    factories.action(sofia_roadmap, title="Existing")
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet.append(["Added once", "event"])
    content = as_file(workbook).getvalue()
    response = _preview(client, sofia_roadmap, content)
    assert response.status_code == 200
    return response.context["ticket"], content


def _url(roadmap) -> str:
    return reverse("actions:import", args=[roadmap.pk])


def _preview(client, roadmap, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(_url(roadmap), {"workbook": SimpleUploadedFile("roadmap.xlsx", content)})


def _stored_path(ticket: str, roadmap, user) -> pathlib.Path:
    return uploads._path(ticket, roadmap_id=roadmap.pk, user_id=user.pk)[0]


def _added(roadmap) -> int:
    return roadmap.actions.filter(title="Added once").count()


def test_a_second_apply_imports_nothing_and_says_so(client, editor, sofia_roadmap, with_new_row):
    ticket, _content = with_new_row

    first = client.post(_url(sofia_roadmap), {"ticket": ticket})
    assert first.status_code == 302
    second = client.post(_url(sofia_roadmap), {"ticket": ticket})

    assert second.status_code == 409
    html = second.content.decode()
    assert "This workbook was already imported" in html
    assert "1 new and 0 changed actions" in html
    assert f'href="{sofia_roadmap.get_absolute_url()}" id="import-result"' in html
    assert _added(sofia_roadmap) == 1


def test_an_apply_that_read_the_file_before_the_first_deleted_it_imports_nothing(
    client, editor, sofia_roadmap, with_new_row
):
    ticket, content = with_new_row
    path = _stored_path(ticket, sofia_roadmap, editor)
    assert client.post(_url(sofia_roadmap), {"ticket": ticket}).status_code == 302
    # The second tab's request found the file still there.
    path.write_bytes(content)
    before = HistoricalAction.objects.count()

    second = client.post(_url(sofia_roadmap), {"ticket": ticket})

    assert second.status_code == 409
    assert _added(sofia_roadmap) == 1
    assert HistoricalAction.objects.count() == before


def test_two_applies_past_every_check_meet_the_unique_key(
    client, editor, sofia_roadmap, with_new_row, monkeypatch
):
    """The last guard: both requests passed the "already applied?" look-up (the
    first had not committed yet); the claim in the apply's transaction stops one."""
    ticket, content = with_new_row
    path = _stored_path(ticket, sofia_roadmap, editor)
    assert client.post(_url(sofia_roadmap), {"ticket": ticket}).status_code == 302
    path.write_bytes(content)
    monkeypatch.setattr(uploads, "applied", lambda ticket, **owner: None)
    # Its row stays new (read again, it would be the first apply's action, matched by
    # its title, and the second apply would find nothing to do before the claim).
    monkeypatch.setattr(HandMade, "by_title", lambda self, row, title, seen: None)
    before = HistoricalAction.objects.count()

    second = client.post(_url(sofia_roadmap), {"ticket": ticket})

    assert second.status_code == 409
    assert "This workbook was already imported" in second.content.decode()
    assert _added(sofia_roadmap) == 1
    assert HistoricalAction.objects.count() == before
    assert WorkbookImport.objects.count() == 1


def test_the_applied_import_is_recorded(client, editor, sofia_roadmap, with_new_row):
    ticket, _content = with_new_row
    client.post(_url(sofia_roadmap), {"ticket": ticket})
    (applied,) = WorkbookImport.objects.all()
    assert (applied.roadmap, applied.applied_by, applied.created, applied.changed) == (
        sofia_roadmap,
        editor,
        1,
        0,
    )
    assert not _stored_path(ticket, sofia_roadmap, editor).exists()


def test_a_busy_database_imports_nothing_keeps_the_ticket_and_says_why(
    client, editor, sofia_roadmap, with_new_row, monkeypatch
):
    from actions.views import workbook as views

    ticket, _content = with_new_row

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "apply_import", busy)
    response = client.post(_url(sofia_roadmap), {"ticket": ticket})

    assert response.status_code == 503
    assert "the database is busy" in response.content.decode()
    assert response.context["ticket"] == ticket
    assert not WorkbookImport.objects.exists()  # the claim was rolled back
    monkeypatch.undo()
    assert client.post(_url(sofia_roadmap), {"ticket": ticket}).status_code == 302
    assert _added(sofia_roadmap) == 1


def test_cancel_removes_the_stored_file_and_imports_nothing(
    client, editor, sofia_roadmap, with_new_row
):
    ticket, _content = with_new_row
    path = _stored_path(ticket, sofia_roadmap, editor)
    assert path.exists()

    response = client.post(_url(sofia_roadmap), {"ticket": ticket, "cancel": "1"})

    assert response.status_code == 302
    assert response["Location"] == sofia_roadmap.get_absolute_url()
    assert not path.exists()
    assert _added(sofia_roadmap) == 0
    assert client.post(_url(sofia_roadmap), {"ticket": ticket}).status_code == 400


def test_a_user_keeps_a_few_previews_the_oldest_go(client, editor, sofia_roadmap, with_new_row):
    first_ticket, content = with_new_row
    tickets = [first_ticket]
    for _ in range(uploads.MAX_STORED_PER_USER):
        tickets.append(_preview(client, sofia_roadmap, content).context["ticket"])

    kept = [_stored_path(t, sofia_roadmap, editor).exists() for t in tickets]

    assert kept == [False] + [True] * uploads.MAX_STORED_PER_USER


def test_previews_of_all_users_together_are_capped(
    client, editor, moderator, sofia_roadmap, with_new_row, monkeypatch
):
    _ticket, content = with_new_row
    monkeypatch.setattr(uploads, "MAX_STORED_BYTES", len(content) * 2)
    client.force_login(moderator)
    assert _preview(client, sofia_roadmap, content).status_code == 200

    refused = _preview(client, sofia_roadmap, content)

    assert refused.status_code == 503
    assert "Too many imports are waiting to be applied" in refused.content.decode()
    assert refused.context["ticket"] is None


def test_expired_previews_are_removed(client, editor, sofia_roadmap, with_new_row):
    ticket, content = with_new_row
    path = _stored_path(ticket, sofia_roadmap, editor)
    old = time.time() - uploads.MAX_AGE_SECONDS - 60
    os.utime(path, (old, old))

    _preview(client, sofia_roadmap, content)

    assert not path.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two writers at once: PostgreSQL (SQLite's test database is one connection's)",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_applies_of_one_upload_import_once(
    editor, sofia_roadmap, monkeypatch, tmp_path
):
    """Two requests with one ticket, in two threads with their own connections, both
    past the "already applied?" look-up and holding the file before either claims it:
    the second waits on the claim's unique key and is told it was already imported."""
    client = Client()
    client.force_login(editor)
    factories.action(sofia_roadmap, title="Existing")
    workbook = exported(client, editor, sofia_roadmap)
    workbook["Action Table"].append(["Added once", "event"])
    ticket = _preview(client, sofia_roadmap, as_file(workbook).getvalue()).context["ticket"]
    both_loaded = threading.Barrier(2, timeout=20)
    load = uploads.load

    def load_then_wait(ticket, **owner):
        content = load(ticket, **owner)
        both_loaded.wait()
        return content

    monkeypatch.setattr(uploads, "load", load_then_wait)
    statuses = []

    def apply():
        try:
            own = Client()
            own.force_login(editor)
            statuses.append(own.post(_url(sofia_roadmap), {"ticket": ticket}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 409]
    assert _added(sofia_roadmap) == 1
    assert WorkbookImport.objects.count() == 1
