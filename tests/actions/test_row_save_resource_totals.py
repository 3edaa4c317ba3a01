"""A row saved in place sends the resource totals above the table again, out of
band (issue 16): cost, secured and gap of the actions the page's filter leaves,
as the page itself adds them up, for whoever may save the row."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import FundingLine, Roadmap
from tests import factories

D = Decimal
OOB = '<div id="resource-totals-area" hx-swap-oob="true">'


@pytest.fixture
def rows(sofia_roadmap, sofia_company):
    Roadmap.objects.filter(pk=sofia_roadmap.pk).update(visibility=Roadmap.Visibility.PARTNERS)
    sofia_roadmap.refresh_from_db()
    challenge = factories.challenge(sofia_roadmap, title="Inclusion")
    ours = factories.action(
        sofia_roadmap,
        challenge=challenge,
        title="School programme",
        lead_partner=sofia_company,
        budget=D(1000),
        currency="EUR",
    )
    done = factories.action(
        sofia_roadmap, challenge=challenge, title="Done", status="done", progress=100, budget=D(300)
    )
    FundingLine.objects.create(action=ours, programme="ESF+", amount=D(400), status="secured")
    return {"ours": ours, "done": done}


def _save(client, action, data, *, page=""):
    url = reverse("actions:roadmap", args=[action.roadmap_id])
    return client.post(
        reverse("actions:action_edit", args=[action.pk]),
        data,
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{url}{page}",
    )


def _total(response, currency="EUR"):
    return {line.currency: line for line in response.context["funding_total"]}[currency]


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_staff_saving_a_budget_in_place_refreshes_the_totals(request, client, rows, role):
    client.force_login(request.getfixturevalue(role))
    ours = rows["ours"]
    response = _save(client, ours, factories.action_form(ours, budget="1500"))
    assert response.status_code == 200
    html = response.content.decode()
    assert OOB in html and 'id="resource-totals"' in html
    total = _total(response)
    assert (total.cost, total.secured, total.gap) == (D(1800), D(400), D(1400))


def test_the_totals_follow_the_filter_of_the_page_saved_on(client, editor, rows):
    client.force_login(editor)
    done = rows["done"]
    response = _save(client, done, factories.action_form(done, budget="350"), page="?status=done")
    assert response.status_code == 200
    total = _total(response)
    assert (total.cost, total.secured) == (D(350), D(0))


def test_a_partners_save_in_place_refreshes_the_totals(client, partner, rows):
    client.force_login(partner)
    ours = rows["ours"]
    response = _save(
        client, ours, {"status": "in_progress", "progress": 40, "version": ours.version}
    )
    assert response.status_code == 200
    assert OOB in response.content.decode()
    assert _total(response).cost == D(1300)


def test_totals_that_vanish_are_sent_as_an_empty_area(client, editor, sofia_roadmap):
    """The area is sent even when nothing is left to total, so the old totals go."""
    client.force_login(editor)
    only = factories.action(sofia_roadmap, budget=D(10), currency="EUR")
    response = _save(client, only, factories.action_form(only, budget=""))
    html = response.content.decode()
    assert OOB in html and 'id="resource-totals"' not in html


@pytest.mark.parametrize("role", ["other_editor", "anonymous"])
def test_who_may_not_save_gets_no_totals(request, client, rows, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    ours = rows["ours"]
    response = _save(client, ours, factories.action_form(ours, budget="1"))
    # Anonymous: htmx is told to load the login page (204 with HX-Redirect).
    assert response.status_code in ((404,) if role == "other_editor" else (204, 302))
    assert OOB not in response.content.decode()
    ours.refresh_from_db()
    assert ours.budget == D(1000)


def test_the_page_shows_the_area_for_the_swap(client, editor, rows):
    client.force_login(editor)
    html = client.get(reverse("actions:roadmap", args=[rows["ours"].roadmap_id])).content
    assert b'<div id="resource-totals-area">' in html


def _fill(roadmap, size):
    for i in range(size):
        action = factories.action(roadmap, budget=D(100 + i), currency="EUR")
        FundingLine.objects.create(action=action, programme="ESF+", amount=D(50), status="secured")


@pytest.mark.parametrize("size", [5, 50])
def test_the_saved_rows_queries_do_not_grow_with_the_roadmap(client, editor, rows, size):
    roadmap = rows["ours"].roadmap
    client.force_login(editor)
    counts = []
    # The first save warms what a session reads once; then one before and one after.
    for number, extra in enumerate((0, 0, size)):
        _fill(roadmap, extra)
        ours = type(rows["ours"]).objects.get(pk=rows["ours"].pk)
        data = factories.action_form(ours, budget=str(2000 + number))
        with CaptureQueriesContext(connection) as queries:
            response = _save(client, ours, data)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[1] == counts[2]
