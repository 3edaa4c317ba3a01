"""Why a change was made is stored as a code and read in the reader's language
(core.history_reasons), on the action's page and in the admin's history."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from actions import services
from actions.models import Action
from core.history_reasons import (
    HistoryReason,
    history_reason,
    reason_text,
    recode_history,
    uncode_history,
)
from tests import factories


def test_a_reason_is_stored_as_a_code_and_read_in_each_language():
    stored = history_reason(HistoryReason.ACCEPTED_IN_MEETING, number=3)
    assert stored == "accepted-in-meeting?number=3"
    with translation.override("en"):
        assert reason_text(stored) == "accepted in meeting 3"
        assert reason_text(history_reason(HistoryReason.IMPORTED)) == "imported from a workbook"
    with translation.override("bg"):
        # Bulgarian the catalogue already has.
        assert reason_text(history_reason(HistoryReason.IMPORTED)) != "imported from a workbook"


@pytest.mark.parametrize("typed", ["import", "r" * 100, "why? because", "", None])
def test_a_reason_that_is_no_code_is_shown_as_written(typed):
    assert reason_text(typed) == (typed or "")


@pytest.fixture
def imported(sofia_roadmap, editor):
    return services.action_create(
        roadmap=sofia_roadmap,
        data={"title": "From the workbook", "activity_type": Action.ActivityType.values[0]},
        by=editor,
        reason=history_reason(HistoryReason.IMPORTED),
    )


def test_the_action_page_reads_the_reason_in_the_readers_language(client, editor, imported):
    client.force_login(editor)
    english = client.get(imported.get_absolute_url()).content.decode()
    assert "(imported from a workbook)" in english
    client.cookies["django_language"] = "bg"
    with translation.override("bg"):
        bulgarian_reason = reason_text(history_reason(HistoryReason.IMPORTED))
    bulgarian = client.get(imported.get_absolute_url()).content.decode()
    assert f"({bulgarian_reason})" in bulgarian
    assert "imported" not in bulgarian


def test_the_admin_history_reads_the_reason_in_the_readers_language(client, editor, imported):
    client.force_login(editor)
    url = reverse("admin:actions_action_history", args=[imported.pk])
    html = client.get(url).content.decode()
    assert "imported from a workbook" in html
    assert "imported?" not in html and ">imported<" not in html


HISTORY_MODELS = [
    apps.get_model("actions", name)
    for name in ("HistoricalAction", "HistoricalIndicator", "HistoricalRoadmap")
] + [apps.get_model("meetings", name) for name in ("HistoricalMeeting", "HistoricalContribution")]


@pytest.mark.parametrize(
    ("language", "msgid", "params", "code"),
    [
        ("en", "imported from a workbook", {}, "imported"),
        ("bg", "imported from a workbook", {}, "imported"),
        ("en", "demo data (load_demo)", {}, "demo-data"),
        ("bg", "accepted in meeting %(number)s", {"number": 12}, "accepted-in-meeting?number=12"),
        ("en", "moved in the table", {}, "moved"),
        ("bg", "indicators changed", {}, "indicators-changed"),
    ],
)
def test_the_migration_turns_the_reasons_written_as_text_into_codes(
    sofia_roadmap, language, msgid, params, code
):
    action = factories.action(sofia_roadmap, title="Old")
    with translation.override(language):
        written = translation.gettext(msgid) % params if params else translation.gettext(msgid)
    record = action.history.latest("history_id")
    Action.history.filter(pk=record.pk).update(history_change_reason=written)
    typed = factories.action(sofia_roadmap, title="Typed").history.latest("history_id")
    Action.history.filter(pk=typed.pk).update(history_change_reason="a person's own words")

    recode_history(HISTORY_MODELS)
    assert Action.history.get(pk=record.pk).history_change_reason == code
    assert Action.history.get(pk=typed.pk).history_change_reason == "a person's own words"

    uncode_history(HISTORY_MODELS)
    with translation.override("en"):
        english = translation.gettext(msgid) % params if params else msgid
    assert Action.history.get(pk=record.pk).history_change_reason == english
