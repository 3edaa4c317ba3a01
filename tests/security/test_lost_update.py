"""Lost update in a race: another save commits *between* the version check and
the write (the window that select_for_update cannot close on SQLite). The
compare-and-swap on the version refuses the second write, through the service
and through the view; the plain stale cases are in tests/actions/."""

import pytest
from django.urls import reverse

from actions import services
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def row(sofia_roadmap):
    return factories.action(sofia_roadmap, title="School programme", progress=0)


@pytest.fixture
def racing_save(row, rival_saves_first):
    """Commit somebody else's change right after the service has checked the version."""
    rival_saves_first(row, title="Saved by somebody else", progress=55, version=2)


def test_service_refuses_a_write_that_lost_the_race(row, editor, racing_save):
    history_before = row.history.count()

    with pytest.raises(services.ActionConflict) as conflict:
        services.action_update(
            action=row, data={"title": "Mine", "progress": 90}, by=editor, expected_version=1
        )

    assert conflict.value.current.title == "Saved by somebody else"
    # The simulated rival wrote inside the service's transaction, so the
    # refusal rolls it back too; what matters is that nothing of "Mine" landed.
    row.refresh_from_db()
    assert row.title != "Mine" and row.progress != 90
    assert row.history.count() == history_before


def test_view_answers_409_when_the_write_lost_the_race(client, editor, row, racing_save):
    client.force_login(editor)
    data = {
        "activity_type": row.activity_type,
        "title": "Mine",
        "currency": row.currency,
        "status": row.status,
        "progress": 90,
        "version": 1,
    }

    response = client.post(reverse("actions:action_edit", args=[row.pk]), data, **HTMX)

    assert response.status_code == 409
    assert "Nothing was overwritten" in response.content.decode()
    row.refresh_from_db()
    assert row.title != "Mine" and row.progress != 90
