"""The demo's resources (issue 16): a few of Sofia's actions with funding lines,
pledges and deliveries, loaded through the services, and nothing new on a second run."""

import io
from decimal import Decimal

from django.core.management import call_command

from actions.models import Action, Delivery, FundingLine, Pledge, funding_totals


def _load():
    call_command("load_demo", stdout=io.StringIO())


def test_demo_resources_load_once_and_add_up(db, settings):
    settings.DEBUG = True
    _load()
    counts = (FundingLine.objects.count(), Pledge.objects.count(), Delivery.objects.count())
    assert counts == (6, 6, 8)
    assert {h.history_user.username for h in Pledge.history.all()} == {"admin"}
    sofia = Action.objects.filter(roadmap__city__name="Sofia")
    totals = funding_totals(sofia).total
    assert totals["BGN"].secured == Decimal(15000)
    assert totals["EUR"].secured == Decimal(6000)
    versions = dict(FundingLine.objects.values_list("pk", "version"))
    _load()
    assert (FundingLine.objects.count(), Pledge.objects.count(), Delivery.objects.count()) == counts
    assert dict(FundingLine.objects.values_list("pk", "version")) == versions
