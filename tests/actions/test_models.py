"""Constraints of the Action Table in the database, not only in forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import Action
from tests import factories


def _integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_progress_over_100_is_refused_by_the_database(sofia_roadmap):
    row = factories.action(sofia_roadmap)
    _integrity_error(lambda: Action.objects.filter(pk=row.pk).update(progress=140))


def test_deadline_before_start_is_refused_by_the_database(sofia_roadmap):
    row = factories.action(sofia_roadmap, start_date=datetime.date(2022, 5, 1))
    _integrity_error(
        lambda: Action.objects.filter(pk=row.pk).update(deadline=datetime.date(2022, 4, 1))
    )


def test_negative_budget_is_refused_by_the_database(sofia_roadmap):
    row = factories.action(sofia_roadmap)
    _integrity_error(lambda: Action.objects.filter(pk=row.pk).update(budget=-1))


def test_positions_are_unique_within_a_roadmap(sofia_roadmap, vratsa_roadmap):
    factories.action(sofia_roadmap, position=3)
    factories.action(vratsa_roadmap, position=3)  # other roadmap: fine
    _integrity_error(lambda: factories.action(sofia_roadmap, position=3))


def test_challenge_positions_are_unique_within_a_roadmap(sofia_roadmap):
    factories.challenge(sofia_roadmap, position=0)
    _integrity_error(lambda: factories.challenge(sofia_roadmap, position=0))


def test_only_one_lead_partner_city(db):
    factories.city("Milan", country="IT", is_lead_partner=True)
    _integrity_error(lambda: factories.city("Nantes", country="FR", is_lead_partner=True))


def test_full_clean_gives_translatable_messages(sofia_roadmap):
    row = factories.action(sofia_roadmap)
    row.start_date = datetime.date(2022, 5, 1)
    row.deadline = datetime.date(2022, 4, 1)
    row.progress = 140
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    messages = str(error.value)
    assert "The deadline cannot be before the start." in messages
    assert "progress" in error.value.message_dict


def test_overdue_and_due_soon(sofia_roadmap):
    today = timezone.localdate()
    late = factories.action(sofia_roadmap, deadline=today - datetime.timedelta(days=1))
    factories.action(sofia_roadmap, deadline=today - datetime.timedelta(days=1), status="done")
    soon = factories.action(sofia_roadmap, deadline=today + datetime.timedelta(days=29))
    factories.action(sofia_roadmap, deadline=today + datetime.timedelta(days=31))
    assert list(Action.objects.overdue()) == [late]
    assert list(Action.objects.due_soon()) == [soon]
    assert late.is_overdue() and not soon.is_overdue()


def test_measurable_lists_what_is_missing(sofia_roadmap, sofia_company):
    row = factories.action(sofia_roadmap)
    assert set(row.missing_for_measurable()) == {
        "lead partner",
        "deadline",
        "necessary resources",
        "an indicator with baseline and target",
    }
    row.lead_partner = sofia_company
    row.deadline = timezone.localdate()
    row.budget = 1000
    row.save()
    factories.indicator(row, baseline=0)  # no target yet
    assert row.missing_for_measurable() == ["an indicator with baseline and target"]
    factories.indicator(row, baseline=0, target=10)
    assert row.is_measurable()
