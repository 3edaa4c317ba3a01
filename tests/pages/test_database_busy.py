"""A request that meets a busy database (SQLite's write lock, held by another
user's import or save past the ``timeout`` option) gets a 503 that says to try
again, never a 500; nothing of it was saved."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from actions import services
from actions.models import Action
from core.database import is_database_busy
from tests import factories


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _raising(message):
    def raise_(**kwargs):
        raise OperationalError(message)

    return raise_


def _save(editor, action):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client.post(
        reverse("actions:action_edit", args=[action.pk]),
        factories.action_form(action, title="Renamed"),
    )


def test_a_bystanders_save_on_a_locked_database_is_a_503_with_a_message(
    editor, sofia_roadmap, monkeypatch
):
    action = factories.school_programme(sofia_roadmap)
    monkeypatch.setattr(services, "action_update", _raising("database is locked"))

    response = _save(editor, action)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "The database is busy" in body and "try again in a minute" in body
    assert "Traceback" not in body
    assert Action.objects.get(pk=action.pk).title == "School programme"


def test_another_database_error_is_still_a_500(editor, sofia_roadmap, monkeypatch):
    action = factories.school_programme(sofia_roadmap)
    monkeypatch.setattr(services, "action_update", _raising("no such table: x"))

    assert _save(editor, action).status_code == 500


def test_what_counts_as_busy():
    assert is_database_busy(OperationalError("database is locked"))
    assert is_database_busy(OperationalError("database table is locked: actions_action"))
    assert not is_database_busy(OperationalError("disk I/O error"))
    assert not is_database_busy(ValueError("database is locked"))
    assert not is_database_busy(None)
