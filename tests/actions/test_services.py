"""The one write path for Action Table rows: permissions, validation, history
and the lost-update check."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from actions import services
from actions.models import Action
from tests import factories


@pytest.fixture
def row(sofia_roadmap, sofia_company):
    return factories.action(
        sofia_roadmap, title="Volunteering platform", lead_partner=sofia_company
    )


def test_update_bumps_version_and_records_history_with_user(row, editor):
    saved = services.action_update(
        action=row, data={"title": "Corporate volunteering platform"}, by=editor, expected_version=1
    )
    assert saved.version == 2
    row.refresh_from_db()
    assert row.title == "Corporate volunteering platform"
    assert row.changed_by == editor
    latest = row.history.latest()
    assert latest.history_user == editor
    assert latest.history_type == "~"
    assert latest.title == "Corporate volunteering platform"


def test_two_stale_updates_one_wins_the_other_is_refused(row, editor, moderator):
    services.action_update(action=row, data={"progress": 40}, by=editor, expected_version=1)
    with pytest.raises(services.ActionConflict) as conflict:
        services.action_update(action=row, data={"progress": 90}, by=moderator, expected_version=1)
    assert conflict.value.current.progress == 40
    assert conflict.value.attempted == {"progress": 90}
    row.refresh_from_db()
    assert row.progress == 40
    assert row.version == 2


def test_update_that_changes_nothing_keeps_version_and_history(row, editor):
    before = row.history.count()
    saved = services.action_update(
        action=row, data={"title": row.title}, by=editor, expected_version=1
    )
    assert saved.version == 1
    assert row.history.count() == before


def test_editor_of_another_city_cannot_update(row, other_editor):
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=row, data={"progress": 10}, by=other_editor, expected_version=1
        )


def test_partner_cannot_update(row, partner):
    with pytest.raises(PermissionDenied):
        services.action_update(action=row, data={"progress": 10}, by=partner, expected_version=1)


def test_lead_partner_cannot_also_be_key_partner(row, editor, sofia_company):
    with pytest.raises(ValidationError) as error:
        services.action_update(
            action=row, data={"key_partners": [sofia_company]}, by=editor, expected_version=1
        )
    assert "key_partners" in error.value.message_dict
    row.refresh_from_db()
    assert row.version == 1
    assert not row.key_partners.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"progress": 140}, "progress"),
        ({"start_date": datetime.date(2022, 5, 1), "deadline": datetime.date(2022, 4, 1)}, None),
        ({"budget": -5}, "budget"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(row, editor, data, field):
    with pytest.raises(ValidationError) as error:
        services.action_update(action=row, data=data, by=editor, expected_version=1)
    if field:
        assert field in error.value.message_dict
    fresh = Action.objects.get(pk=row.pk)
    assert fresh.version == 1
    assert fresh.title == "Volunteering platform"


def test_challenge_of_another_roadmap_is_refused(row, editor, sofia):
    other = factories.challenge(factories.roadmap(sofia))
    with pytest.raises(ValidationError) as error:
        services.action_update(action=row, data={"challenge": other}, by=editor, expected_version=1)
    assert "challenge" in error.value.message_dict


def test_create_appends_row_with_history_and_key_partners(sofia_roadmap, editor, sofia):
    first = factories.action(sofia_roadmap)
    partners = [factories.organisation(sofia), factories.organisation(sofia)]
    created = services.action_create(
        roadmap=sofia_roadmap,
        data={
            "title": "Green procurement guide",
            "activity_type": "research",
            "key_partners": partners,
        },
        by=editor,
    )
    assert created.position == first.position + 1
    assert created.version == 1
    assert created.created_by == editor
    record = created.history.get()
    assert record.history_type == "+"
    assert record.history_user == editor
    assert {p.organisation_id for p in record.key_partners.all()} == {p.pk for p in partners}


def test_key_partner_change_writes_one_history_record(row, editor, sofia):
    partner = factories.organisation(sofia)
    before = row.history.count()
    services.action_update(
        action=row, data={"key_partners": [partner]}, by=editor, expected_version=1
    )
    assert row.history.count() == before + 1
    assert [p.organisation_id for p in row.history.latest().key_partners.all()] == [partner.pk]


def test_delete_keeps_history_and_refuses_stale_version(row, editor):
    services.action_update(action=row, data={"progress": 5}, by=editor, expected_version=1)
    with pytest.raises(services.ActionConflict):
        services.action_delete(action=row, by=editor, expected_version=1)
    services.action_delete(action=row, by=editor, expected_version=2)
    assert not Action.objects.filter(pk=row.pk).exists()
    removed = Action.history.filter(id=row.pk).latest()
    assert removed.history_type == "-"
    assert removed.history_user == editor


def test_move_swaps_neighbours_within_challenge(sofia_roadmap, editor):
    challenge = factories.challenge(sofia_roadmap)
    a = factories.action(sofia_roadmap, challenge=challenge)
    b = factories.action(sofia_roadmap, challenge=challenge)
    services.action_move(action=b, by=editor, direction="up")
    order = list(sofia_roadmap.actions.order_by("position").values_list("pk", flat=True))
    assert order == [b.pk, a.pk]
    a.refresh_from_db()
    assert a.version == 1  # a move cannot overwrite anybody's values
    assert a.history.latest().history_user == editor


def test_move_to_another_challenge(sofia_roadmap, editor):
    first, second = factories.challenge(sofia_roadmap), factories.challenge(sofia_roadmap)
    row = factories.action(sofia_roadmap, challenge=first)
    services.action_move(action=row, by=editor, challenge=second)
    row.refresh_from_db()
    assert row.challenge == second
    assert row.version == 2
    assert row.history.latest().history_user == editor
    assert row.history.latest().version == 2


def test_edit_opened_before_a_move_to_another_challenge_is_refused(sofia_roadmap, editor):
    first, second = factories.challenge(sofia_roadmap), factories.challenge(sofia_roadmap)
    row = factories.action(sofia_roadmap, challenge=first)
    services.action_move(action=row, by=editor, challenge=second)
    with pytest.raises(services.ActionConflict):
        services.action_update(
            action=row,
            data={"challenge": first, "title": "Written over the move"},
            by=editor,
            expected_version=1,
        )
    row.refresh_from_db()
    assert (row.challenge, row.version) == (second, 2)
    assert row.title != "Written over the move"


def test_indicators_update_bumps_version_and_refuses_stale(row, editor):
    indicator = factories.indicator(row, name="Companies", baseline=0, target=10)
    services.action_indicators_update(
        action=row,
        indicators=[
            {
                "id": indicator.pk,
                "name": "Companies joined",
                "unit": "",
                "baseline": 0,
                "target": 20,
                "current": None,
                "source": "",
            },
            {
                "name": "Volunteer hours",
                "unit": "h",
                "baseline": 0,
                "target": 500,
                "current": None,
                "source": "",
            },
        ],
        by=editor,
        expected_version=1,
    )
    row.refresh_from_db()
    assert row.version == 2
    assert list(row.indicators.values_list("name", "target")) == [
        ("Companies joined", 20),
        ("Volunteer hours", 500),
    ]
    with pytest.raises(services.ActionConflict):
        services.action_indicators_update(action=row, indicators=[], by=editor, expected_version=1)


def _indicator(name: str, target: int) -> dict:
    return {
        "name": name,
        "unit": "",
        "baseline": 0,
        "target": target,
        "current": None,
        "source": "",
    }


def test_two_indicator_saves_from_the_same_version_the_second_is_refused(row, editor, moderator):
    services.action_indicators_update(
        action=row, indicators=[_indicator("Schools", 10)], by=editor, expected_version=1
    )
    with pytest.raises(services.ActionConflict):
        services.action_indicators_update(
            action=row, indicators=[_indicator("Volunteers", 99)], by=moderator, expected_version=1
        )
    row.refresh_from_db()
    assert row.version == 2
    assert list(row.indicators.values_list("name", "target")) == [("Schools", 10)]


@pytest.fixture
def rival_saves_after_the_read(row, rival_saves_first):
    """Somebody else's save commits right after a service has read the row and
    checked its version: the window that select_for_update leaves open on SQLite."""
    rival_saves_first(row, title="Saved by somebody else", version=F("version") + 1)


def test_indicators_update_that_lost_the_race_writes_nothing(
    row, editor, rival_saves_after_the_read
):
    history_before = row.history.count()
    with pytest.raises(services.ActionConflict) as conflict:
        services.action_indicators_update(
            action=row, indicators=[_indicator("Schools", 10)], by=editor, expected_version=1
        )
    assert conflict.value.current.title == "Saved by somebody else"
    # The simulated rival wrote inside the service's transaction, so the refusal
    # rolls it back too; what matters is that nothing of ours landed.
    assert not row.indicators.exists()
    assert row.history.count() == history_before


def test_delete_that_lost_the_race_removes_nothing(row, editor, rival_saves_after_the_read):
    with pytest.raises(services.ActionConflict) as conflict:
        services.action_delete(action=row, by=editor, expected_version=1)
    assert conflict.value.current.title == "Saved by somebody else"
    assert Action.objects.filter(pk=row.pk).exists()
    assert not Action.history.filter(id=row.pk, history_type="-").exists()


def test_delete_records_the_version_it_removed(row, editor):
    services.action_delete(action=row, by=editor, expected_version=1)
    assert Action.history.filter(id=row.pk).latest().version == 1


def test_system_actor_writes_without_a_user(row):
    saved = services.action_update(
        action=row, data={"progress": 10}, by=services.SYSTEM, expected_version=1, reason="import"
    )
    assert saved.version == 2
    record = row.history.latest()
    assert record.history_user is None
    assert record.history_change_reason == "import"


def test_anonymous_user_is_not_the_system(row):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.action_update(
            action=row, data={"progress": 10}, by=AnonymousUser(), expected_version=1
        )
