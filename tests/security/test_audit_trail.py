"""Audit trail: an edit in the browser, in the admin and by workbook import each
leave a history record with the user, the time and the change, and the action's
page shows it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from core.history_reasons import reason_text
from tests import factories
from tests.actions.test_workbook_export import make_table
from tests.actions.test_workbook_import import as_file, exported, row_of

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def table(sofia_roadmap, sofia):
    return make_table(sofia_roadmap, sofia)


def _latest_change(action: Action):
    records = list(action.history.order_by("-history_date", "-history_id")[:2])
    latest, previous = records[0], records[1]
    delta = latest.diff_against(previous)
    return latest, {change.field: (change.old, change.new) for change in delta.changes}


def _assert_recorded(action, user, started, field, old, new):
    latest, changes = _latest_change(action)
    assert latest.history_user == user
    assert latest.history_type == "~"
    assert started <= latest.history_date <= timezone.now()
    assert changes[field] == (old, new)
    return latest


def _assert_shown_on_the_action_page(client, action, user, text):
    page = client.get(reverse("actions:action", args=[action.pk])).content.decode()
    assert user.get_username() in page
    assert text in page


def test_browser_edit_leaves_a_history_record(client, editor, table):
    school = table["school"]
    client.force_login(editor)
    started = timezone.now()

    response = client.post(
        reverse("actions:action_edit", args=[school.pk]),
        factories.action_form(school, title="School CSR programme"),
        **HTMX,
    )

    assert response.status_code == 200
    _assert_recorded(school, editor, started, "title", "School programme", "School CSR programme")
    _assert_shown_on_the_action_page(client, school, editor, "School CSR programme")


def test_admin_edit_leaves_a_history_record(client, moderator, table):
    school = table["school"]
    client.force_login(moderator)
    started = timezone.now()
    data = factories.action_admin_form(school, progress=70)
    data.update(
        {
            f"indicators-{i}-{name}": value
            for i, indicator in enumerate(school.indicators.all())
            for name, value in (
                ("id", indicator.pk),
                ("position", indicator.position),
                ("name", indicator.name),
                ("unit", indicator.unit),
                ("baseline", "" if indicator.baseline is None else indicator.baseline),
                ("target", "" if indicator.target is None else indicator.target),
                ("current", "" if indicator.current is None else indicator.current),
                ("source", indicator.source),
            )
        }
    )
    count = school.indicators.count()
    data["indicators-TOTAL_FORMS"] = data["indicators-INITIAL_FORMS"] = count

    response = client.post(reverse("admin:actions_action_change", args=[school.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    _assert_recorded(school, moderator, started, "progress", school.progress, 70)
    # The admin's own history page lists the record too.
    history = client.get(reverse("admin:actions_action_history", args=[school.pk]))
    assert moderator.get_username() in history.content.decode()


def test_workbook_import_leaves_a_history_record(client, editor, table, sofia_roadmap):
    school = table["school"]
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet[f"H{row_of(sheet, school)}"] = "done"
    started = timezone.now()
    url = reverse("actions:import", args=[sofia_roadmap.pk])

    upload = as_file(workbook)
    upload.name = "roadmap.xlsx"
    preview = client.post(url, {"workbook": upload})
    assert preview.status_code == 200
    ticket = preview.context["ticket"]
    assert ticket
    applied = client.post(url, {"ticket": ticket})

    assert applied.status_code == 302
    record = _assert_recorded(school, editor, started, "status", school.status, "done")
    assert reason_text(record.history_change_reason) == "imported from a workbook"
    _assert_shown_on_the_action_page(client, school, editor, "imported from a workbook")


def test_history_survives_the_rows_removal(client, editor, table):
    school = table["school"]
    client.force_login(editor)
    client.post(reverse("actions:action_delete", args=[school.pk]), {"version": school.version})
    assert not Action.objects.filter(pk=school.pk).exists()
    removal = Action.history.filter(id=school.pk).latest("history_date")
    assert removal.history_type == "-"
    assert removal.history_user == editor
    assert removal.title == "School programme"


def test_records_carry_the_time_of_the_change(editor, sofia_roadmap):
    from actions import services

    row = factories.action(sofia_roadmap, title="Timed")
    before = timezone.now()
    services.action_update(action=row, data={"progress": 5}, by=editor, expected_version=1)
    record = row.history.latest("history_date")
    assert before <= record.history_date <= timezone.now() + datetime.timedelta(seconds=1)
