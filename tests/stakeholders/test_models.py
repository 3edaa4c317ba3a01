import pytest
from django.db import IntegrityError, transaction

from stakeholders.models import Membership
from tests import factories


def test_membership_needs_organisation_or_person(sofia):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(city=sofia)


def test_organisation_is_in_a_working_group_once(sofia, sofia_company):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(city=sofia, organisation=sofia_company)


def test_organisation_names_unique_per_city(sofia, vratsa):
    factories.organisation(sofia, "Acme")
    factories.organisation(vratsa, "Acme")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.organisation(sofia, "Acme", member=False)


def test_person_str_names_the_organisation(sofia_company):
    person = factories.person(sofia_company, "Ivan Petrov")
    assert str(person) == "Ivan Petrov (Demo Company Ltd)"
