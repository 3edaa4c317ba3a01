"""The admin tests' world: both cities with a row of every kind an admin action or
page may act on, and how a row belongs to a city. Shared by test_admin_actions.py
and test_admin_permission_matrix.py."""

import datetime

from django.apps import apps
from django.utils import timezone

from actions.models import Delivery, FundingLine, Pledge
from meetings.models import AgendaItem, Attendance, Contribution, NextStep
from stakeholders.models import CityAccess
from tests import factories

APPS = ("stakeholders", "actions", "meetings")


def snapshot() -> dict:
    """Every row of the three apps (and their history), as values."""
    state = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return state


def dress(side, city, *, other_editor=None):
    """Give one city a row of every kind an admin action may act on."""
    roadmap, meeting = side.roadmap, side.meeting
    meeting.start = timezone.now() + datetime.timedelta(days=3)
    meeting.number = 2
    meeting.save()
    earlier = factories.meeting(
        roadmap, number=1, start=timezone.now() - datetime.timedelta(days=30)
    )
    NextStep.objects.create(meeting=earlier, position=0, description="Open step of meeting 1")
    AgendaItem.objects.create(meeting=meeting, position=0, title="Welcome")
    side.person.consent_to_contact = True
    side.person.email = f"invitee@{city.name.lower()}.example.org"
    side.person.save()
    Attendance.objects.create(meeting=meeting, person=side.person, invited=True)
    # An accepted proposal no row was made from yet: the accept actions' work.
    Contribution.objects.filter(meeting=meeting).update(
        kind=Contribution.Kind.PROPOSAL, outcome=Contribution.Outcome.ACCEPTED, action=None
    )
    # An action's resources: a funding line, and a pledge with a delivery.
    FundingLine.objects.create(action=side.action, programme="ESF+", amount=1000, status="secured")
    pledge = Pledge.objects.create(
        action=side.action, organisation=side.key_partner, kind="cash", amount=500, unit="EUR"
    )
    Delivery.objects.create(pledge=pledge, amount=200)
    if other_editor is not None:
        CityAccess.objects.get_or_create(user=other_editor, city=city)


def objects_of(model, city):
    """The pks of ``model``'s rows that belong to ``city``."""
    paths = {
        "City": "pk__in",
        "Organisation": "city",
        "Person": "organisation__city",
        "Membership": "city",
        "CityAccess": "city",
        "Roadmap": "city",
        "Challenge": "roadmap__city",
        "Action": "roadmap__city",
        "Indicator": "action__roadmap__city",
        "FundingLine": "action__roadmap__city",
        "Pledge": "action__roadmap__city",
        "Meeting": "roadmap__city",
        "AgendaItem": "meeting__roadmap__city",
        "Attendance": "meeting__roadmap__city",
        "Contribution": "meeting__roadmap__city",
        "NextStep": "meeting__roadmap__city",
    }
    path = paths.get(model.__name__)
    assert path is not None, f"{model.__name__}: say how its rows belong to a city"
    value = [city.pk] if path == "pk__in" else city
    return list(
        model._default_manager.filter(**{path: value}).order_by("pk").values_list("pk", flat=True)
    )
