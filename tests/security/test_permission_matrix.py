"""The permission matrix, generated from the URLconf.

Every URL pattern (but the admin's: test_admin_permission_matrix.py) x anonymous, partner,
editor of the city, editor of another city, moderator, network admin x GET and
POST x Sofia's and Vratsa's objects: the status is the one ``EXPECTED`` allows,
no 2xx that it does not, another city's private objects answer 404, anonymous
visitors go to the login page, and a refused request changes nothing.
"""

import copy
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Delivery, Pledge
from stakeholders.models import Membership
from tests import factories

from .headers import assert_security_headers
from .urlmatrix import (
    ANON,
    EXPECTED,
    OPEN_TO_WHOEVER_HOLDS_THE_LINK,
    OUTSIDER,
    POST_DATA,
    ROLES,
    SIDES,
    URL_KWARGS,
    build_world,
    relation,
    snapshot,
    url_patterns,
)

ROUTES = sorted(url_patterns(), key=lambda r: r.name)


@pytest.fixture(scope="module")
def module_world(matrix_cast):
    sofia, vratsa, users = matrix_cast
    return build_world(sofia=sofia, vratsa=vratsa, users=users)


@pytest.fixture
def world(module_world, db):
    """The world built once for the module; its objects copied for each test."""
    return copy.deepcopy(module_world)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_urlconf_has_the_pages_the_matrix_knows(db):
    names = {route.name for route in ROUTES}
    assert {"dashboard", "actions:roadmap", "actions:action_edit", "meetings:meeting"} <= names


def test_every_url_pattern_has_an_entry_in_the_expected_table(db):
    missing = [
        f"{route.name} ({route.route})"
        for route in ROUTES
        if route.name not in EXPECTED or route.name not in URL_KWARGS
    ]
    assert not missing, (
        "URL patterns without an entry in tests/security/urlmatrix.py (EXPECTED and "
        f"URL_KWARGS): {', '.join(missing)}. Decide who may open them and add them."
    )


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_permission_matrix(route, world, client_as):
    if route.name not in EXPECTED or route.name not in URL_KWARGS:
        pytest.fail(f"{route.name} ({route.route}) has no entry in the permission matrix")
    expect = EXPECTED[route.name]
    sides = SIDES if route.has_kwargs else ("own",)
    before = snapshot()
    login_url = reverse("login")
    problems = []

    for side_name in sides:
        side = world.side(side_name)
        url = reverse(route.name, kwargs=URL_KWARGS[route.name](side))
        post_data = POST_DATA.get(route.name, lambda s: {})(side)
        for role in ROLES:
            rel = relation(role, side_name)
            for method in ("get", "post"):
                allowed = (expect.get if method == "get" else expect.post)[rel]
                where = f"{method.upper()} {url} as {role} ({rel}, {side_name} city)"
                # Each request runs in a savepoint that is rolled back, so that
                # an allowed write (a delete, say) does not change what the
                # next role meets.
                client = client_as(role)
                with transaction.atomic():
                    response = client.get(url) if method == "get" else client.post(url, post_data)
                    status = response.status_code
                    if status not in allowed:
                        problems.append(f"{where}: {status}, expected {sorted(allowed)}")
                    if status == 302 and rel == ANON and 302 in allowed and route.has_kwargs:
                        location = response["Location"]
                        if not location.startswith(login_url):
                            problems.append(f"{where}: redirected to {location}, not to log in")
                    if (
                        rel == OUTSIDER
                        and route.has_kwargs
                        and route.name not in OPEN_TO_WHOEVER_HOLDS_THE_LINK
                        and 200 <= status < 300
                    ):
                        problems.append(f"{where}: another city's object answered {status}")
                    assert_security_headers(response)
                    if method == "post" and rel not in expect.writes and snapshot() != before:
                        problems.append(f"{where}: changed data it may not change")
                    transaction.set_rollback(True)

    assert not problems, "\n".join(problems)


def test_other_citys_private_objects_answer_404_for_every_signed_in_outsider(world):
    vratsa = world.other
    for user in (world.users["editor"], world.users["moderator"], world.users["partner"]):
        client = _client(user)
        for url in (
            reverse("actions:roadmap", args=[vratsa.roadmap.pk]),
            reverse("actions:action", args=[vratsa.action.pk]),
            reverse("actions:action_edit", args=[vratsa.action.pk]),
            reverse("meetings:meeting", args=[vratsa.meeting.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)


def test_unknown_ids_answer_like_another_citys_objects(world):
    """A missing id and a forbidden one look the same: nothing to learn by guessing."""
    client = _client(world.users["editor"])
    forbidden = client.get(reverse("actions:action", args=[world.other.action.pk]))
    missing = client.get(reverse("actions:action", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    anonymous = Client()
    assert anonymous.get(reverse("actions:action", args=[999_999])).status_code == 302


@pytest.mark.parametrize(
    ("name", "thing"),
    [
        ("actions:roadmap", "roadmap"),
        ("actions:export", "roadmap"),
        ("meetings:roadmap_ics", "roadmap"),
        ("actions:action", "action"),
        ("actions:action_edit", "action"),
        ("meetings:meeting", "meeting"),
        ("meetings:minutes", "meeting"),
        ("jobs:job", "job"),
        ("jobs:download", "job"),
        # What came after issue 14: the import's template and page, the resources.
        ("actions:timeline", "roadmap"),
        ("actions:import", "roadmap"),
        ("actions:import_template", "roadmap"),
        ("actions:removed_actions", "roadmap"),
        ("actions:pledge_create", "action"),
        ("actions:action_indicators", "action"),
        ("actions:pledge_edit", "pledge"),
        ("actions:pledge_delete", "pledge"),
        ("actions:delivery_create", "pledge"),
        ("actions:delivery_edit", "delivery"),
        ("actions:delivery_delete", "delivery"),
        ("meetings:ics", "meeting"),
    ],
)
def test_another_citys_object_and_an_unknown_id_take_the_same_queries(
    world, client_as, name, thing
):
    """The 404s ask the database the same (one scoped query), so neither the
    answer nor its time tells whether the id exists (issue 14, hole 8)."""
    client = client_as("editor")

    def queries(pk: int) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=[pk])).status_code == 404
        return [re.sub(r"\b\d+\b", "N", query["sql"]) for query in captured.captured_queries]

    # Warm the session first: the module's sessions were signed in minutes ago on a
    # slow run, and the first request re-saves their last-seen time (core.security).
    queries(999_999)
    unknown = queries(999_999)
    assert queries(getattr(world.other, thing).pk) == unknown


def test_a_statement_of_another_citys_organisation_answers_like_an_unknown_one(world, client_as):
    """The partner's statement takes two ids: another city's roadmap, or another city's
    organisation on the user's own roadmap, asks what an unknown id asks (one 404)."""
    client = client_as("editor")

    def queries(roadmap_pk: int, org_pk: int) -> list[str]:
        url = reverse("actions:partner_statement", args=[roadmap_pk, org_pk])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 404
        return [re.sub(r"\b\d+\b", "N", query["sql"]) for query in captured.captured_queries]

    own, other = world.own, world.other
    queries(999_999, 999_999)  # the session's first request (see above)
    assert queries(other.roadmap.pk, other.key_partner.pk) == queries(999_999, 999_999)
    assert queries(own.roadmap.pk, other.key_partner.pk) == queries(own.roadmap.pk, 999_999)


def test_the_shared_partner_reads_sofia_only_through_sofias_membership(world, client_as):
    """A partner reads a city through a membership that city's staff made: ended
    by Sofia's staff, Sofia's roadmap is gone for the partner of Vratsa's organisation."""
    url = reverse("actions:roadmap", args=[world.own.roadmap.pk])
    assert client_as("shared_partner").get(url).status_code == 200
    Membership.objects.filter(city=world.own.city, organisation=world.shared).delete()
    assert client_as("shared_partner").get(url).status_code == 404


def test_partner_of_the_action_updates_only_what_is_theirs(world, client_as):
    """The matrix's partner speaks for a company that neither leads nor partners
    Sofia's action (403 above). Made its key partner, they update its status,
    progress and indicators' values, record deliveries against their company's
    pledges and pledge for it; anything else stays 403 (issue 16)."""
    action, partner = world.own.action, world.users["partner"]
    company = partner.person.organisation
    action.key_partners.add(company)
    client = client_as("partner")
    edit = reverse("actions:action_edit", args=[action.pk])
    assert client.get(edit).status_code == 200
    data = {
        "status": "in_progress",
        "progress": 35,
        "version": action.version,
        f"indicator_{world.own.indicator.pk}": "4",
    }
    assert client.post(edit, {**data, "title": "Not theirs"}).status_code == 403
    assert client.post(edit, data).status_code == 302
    action.refresh_from_db()
    assert action.progress == 35
    assert action.history.first().history_user == partner

    def delivery(pledge):
        return {f"delivery{pledge.pk}-amount": "5", f"delivery{pledge.pk}-date": "2030-02-01"}

    ours = Pledge.objects.create(
        action=action, organisation=company, kind="cash", amount=10, unit="EUR"
    )
    theirs = world.own.pledge  # the key partner's, another organisation's
    for pledge, status in ((ours, 302), (theirs, 403)):
        url = reverse("actions:delivery_create", args=[pledge.pk])
        assert client.post(url, delivery(pledge)).status_code == status
    assert Delivery.objects.filter(pledge=ours).count() == 1
    assert not Delivery.objects.filter(pledge=theirs).exists()
    pledge_url = reverse("actions:pledge_create", args=[action.pk])
    pledge = {
        "pledge-kind": "cash",
        "pledge-amount": "3",
        "pledge-unit": "EUR",
        "pledge-date": "2030-01-01",
    }
    other = {**pledge, "pledge-organisation": world.own.key_partner.pk}
    assert client.post(pledge_url, other).status_code == 403
    assert client.post(pledge_url, pledge).status_code == 302
    assert Pledge.objects.filter(action=action, organisation=company).count() == 2
    # Another city's action is not even there; another organisation's partner is refused.
    other_edit = reverse("actions:action_edit", args=[world.other.action.pk])
    assert client.get(other_edit).status_code == 404
    assert client_as("shared_partner").post(edit, data).status_code == 403


def test_public_roadmap_is_readable_by_anybody_but_changed_by_its_staff_only(world):
    roadmap = world.other.roadmap
    roadmap.visibility = "public"
    roadmap.save()
    action = world.other.action
    for role in ("anonymous", "partner", "editor"):
        client = _client(world.users[role])
        assert client.get(reverse("actions:roadmap", args=[roadmap.pk])).status_code == 200
        edit = client.get(reverse("actions:action_edit", args=[action.pk]))
        assert edit.status_code == (302 if role == "anonymous" else 403), role


def test_a_user_without_any_role_sees_nothing_private(world):
    nobody = factories.user("nobody")
    client = _client(nobody)
    assert client.get(reverse("actions:roadmap", args=[world.own.roadmap.pk])).status_code == 404
    assert client.get(reverse("meetings:meeting", args=[world.own.meeting.pk])).status_code == 404
