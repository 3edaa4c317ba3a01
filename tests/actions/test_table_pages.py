"""The Action Table in pages (issue 15): a page of rows grouped by challenge, the
links to the others, the counts of the whole roadmap in SQL, and what keeps the
page (edits, moves, the filter), for every role."""

from __future__ import annotations

import datetime
import importlib
import re
import sys
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from actions.filters import ActionFilter
from actions.models import Action, Indicator
from actions.models.rows import WHITE_SPACE
from actions.table_totals import table_totals
from actions.views.table_pages import PER_PAGE
from tests import factories


def bulk_fill(roadmap, count: int, organisations, *, challenges=3) -> list:
    """``count`` rows in ``challenges`` challenges (in turn), each with a lead partner,
    two key partners and an indicator: written in bulk, so that 2,000 take a second."""
    groups = [factories.challenge(roadmap) for _ in range(challenges)]
    first = (roadmap.actions.order_by("-position").values_list("position", flat=True).first()) or 0
    today = timezone.localdate()
    actions = Action.objects.bulk_create(
        Action(
            roadmap=roadmap,
            challenge=groups[i % challenges],
            position=first + 1 + i,
            title=f"Row {i:05d}",
            activity_type=Action.ActivityType.EVENT,
            lead_partner=organisations[i % len(organisations)],
            start_date=today + datetime.timedelta(days=10 * (i % 50) - 100 - 30 * (i % 24)),
            deadline=today + datetime.timedelta(days=10 * (i % 50) - 100),
            status=Action.Status.values[i % len(Action.Status.values)],
            resources="People" if i % 2 else "",
        )
        for i in range(count)
    )
    Indicator.objects.bulk_create(
        Indicator(action=action, name="Reached", baseline=0, target=5) for action in actions
    )
    through = Action.key_partners.through
    through.objects.bulk_create(
        through(action_id=action.pk, organisation_id=organisation.pk)
        for i, action in enumerate(actions)
        for organisation in organisations[(i + 1) % len(organisations) :][:2]
    )
    return groups


def _url(roadmap, query: str = "") -> str:
    url = reverse("actions:roadmap", args=[roadmap.pk])
    return f"{url}?{query}" if query else url


def _titles(response) -> list[str]:
    return [row.title for row in response.context["rows"]]


@pytest.fixture
def organisations(sofia, sofia_company):
    return [sofia_company] + [factories.organisation(sofia) for _ in range(4)]


@pytest.mark.parametrize("size", [200, 2000])
@pytest.mark.parametrize("page", [1, 2])
def test_a_page_costs_the_same_queries_at_any_size(
    client, editor, sofia_roadmap, organisations, django_assert_num_queries, size, page
):
    bulk_fill(sofia_roadmap, size, organisations)
    client.force_login(editor)
    url = _url(sofia_roadmap, f"page={page}")
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 user's groups, 4 city access, 5 user's person,
    # 6 roadmap with city, 7 the rows of each challenge (how many, their positions)
    # with the roadmap's totals, 8 the ids of the page's rows, 9 those actions with
    # their lead partner, 10 their indicators, 11 challenges, 12 the page's key
    # partners' names, 13 whether the user follows the roadmap (the header's
    # follow button), 14 the challenge choices,
    # 15 the filter form's organisation choices (lead partner and key partner: one),
    # 16-17 the resources' totals (funding, pledges per kind), 18 the funded, secured
    # and gap of the actions with funding lines (resource_totals._grouped_funding;
    # 16 is now the cost of all).
    with django_assert_num_queries(18):
        response = client.get(url)
    assert len(response.context["rows"]) == PER_PAGE
    assert response.context["total"] == size
    # The rows of the page, not of the roadmap: the page's size of HTML at any size.
    assert response.content.decode().count('class="action-row') == PER_PAGE


def _old_totals(roadmap, query: dict, organisation_id=None) -> dict:
    """The counts as the table computed them before issue 15: every row of the
    roadmap read and counted in Python, the rows the filter leaves counted too."""
    every_row = list(roadmap.actions.prefetch_related("indicators"))
    counts = dict.fromkeys(Action.Status.values, 0)
    for action in every_row:
        counts[action.status] += 1
    filterset = ActionFilter(
        query, queryset=roadmap.actions.all(), roadmap=roadmap, organisation_id=organisation_id
    )
    return {
        "total": len(every_row),
        "complete": sum(1 for action in every_row if action.is_measurable()),
        "status_counts": [(label, counts[value]) for value, label in Action.Status.choices],
        "shown": len(list(filterset.qs)),
    }


@pytest.fixture
def mixed(sofia_roadmap, sofia, sofia_company):
    """A roadmap of every kind of row: complete and not, for each reason, in every
    status, with and without a challenge, resources as text, blanks, budget, days."""
    economic = factories.challenge(sofia_roadmap, title="Economy")
    social = factories.challenge(sofia_roadmap, title="Social")
    today = timezone.localdate()
    variants = [
        {},  # complete
        {"lead_partner": None},
        {"deadline": None},
        {"resources": ""},
        {"resources": " \n\t\xa0"},  # only blanks: no resources
        {"resources": "", "budget": Decimal("0")},  # a budget of 0 is a budget
        {"resources": "", "people_days": Decimal("0")},  # 0 days are none
        {"resources": "", "people_days": Decimal("2.5")},
        {"indicator": (None, 5)},
        {"indicator": (0, None)},
        {"indicator": None},
        {"challenge": None},
    ]
    for n in range(3):
        for i, variant in enumerate(variants):
            variant = dict(variant)
            indicator = variant.pop("indicator", (0, 10))
            fields = {
                "challenge": economic if (i + n) % 2 else social,
                "lead_partner": sofia_company,
                "deadline": today + datetime.timedelta(days=i - 6),
                "resources": "Два обучители",
                "status": Action.Status.values[(i + n) % len(Action.Status.values)],
                "title": f"Зелена {n}-{i}" if i % 3 == 0 else f"Row {n}-{i}",
                **variant,
            }
            action = factories.action(sofia_roadmap, **fields)
            if indicator is not None:
                factories.indicator(action, baseline=indicator[0], target=indicator[1])
                factories.indicator(action, name="Без цел", baseline=1, target=None)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=proposed&status=done",
        "q=зЕЛЕНА",
        "due=overdue",
        "challenge={economic}",
        "sort=-deadline&page=1",
    ],
)
def test_the_counts_of_a_filtered_page_are_the_old_python_counts(
    client, editor, sofia_roadmap, mixed, query
):
    economic = sofia_roadmap.challenges.get(title="Economy")
    query = query.format(economic=economic.pk)
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, query))
    context = response.context
    reference = _old_totals(sofia_roadmap, QueryDict(query).copy() or None)
    assert {name: context[name] for name in reference} == reference
    assert table_totals(sofia_roadmap.actions.all()) == {
        name: reference[name] for name in ("total", "complete", "status_counts")
    }
    # Not every row is complete, nor none: the rules were put to the test.
    assert 0 < reference["complete"] < reference["total"]


def test_the_sql_rule_of_measurable_is_the_python_rule_row_by_row(sofia_roadmap, mixed):
    actions = sofia_roadmap.actions.prefetch_related("indicators")
    by_python = {action.pk for action in actions if action.is_measurable()}
    assert set(sofia_roadmap.actions.measurable().values_list("pk", flat=True)) == by_python


def test_the_white_space_of_the_sql_rule_is_what_str_strip_strips():
    every = {chr(code) for code in range(sys.maxunicode + 1)}
    assert set(WHITE_SPACE) == {char for char in every if char.isspace()}


def test_pages_continue_in_table_order_and_say_which_rows_they_show(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    client.force_login(editor)
    first = client.get(_url(sofia_roadmap))
    third = client.get(_url(sofia_roadmap, "page=3"))
    assert _titles(first) == [f"Row {i:05d}" for i in range(100)]
    assert _titles(third) == [f"Row {i:05d}" for i in range(200, 250)]
    html = first.content.decode()
    assert "Rows 1–100 of 250." in html
    path = _url(sofia_roadmap)
    assert f'href="{path}?page=2"' in html and f'href="{path}?page=3"' in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    # The pagination's links work without JavaScript and swap the table with it.
    assert f'hx-get="{path}?page=2" hx-target="#table-of-actions"' in html
    last = third.content.decode()
    assert "Rows 201–250 of 250." in last and 'rel="next"' not in last
    assert f'rel="prev" href="{path}?page=2"' in last
    # The whole table is one click away: the workbook, every row, no page.
    export = reverse("actions:export", args=[sofia_roadmap.pk])
    assert f'id="whole-table-link" href="{export}"' in html
    assert "all 250 rows in the Excel workbook" in html


@pytest.mark.parametrize(("page", "shown"), [("99", 3), ("0", 3), ("two", 1), ("-1", 3)])
def test_a_page_number_out_of_range_or_not_a_number_gives_the_last_or_first(
    client, editor, sofia_roadmap, organisations, page, shown
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, f"page={page}"))
    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_the_filter_keeps_its_params_in_the_links_and_starts_at_page_one(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 700, organisations, challenges=1)
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, "status=proposed&status=done&page=2"))
    context = response.context
    assert context["shown"] == 234 and context["page"].number == 2
    assert {row.status for row in context["rows"]} <= {"proposed", "done"}
    html = response.content.decode()
    path = _url(sofia_roadmap)
    assert f'href="{path}?status=proposed&amp;status=done&amp;page=3"' in html
    # Back to the first page: no page in its address.
    assert f'rel="prev" href="{path}?status=proposed&amp;status=done"' in html
    # The filter's form sends no page: a new filter starts at the first page.
    form = html.split('class="mt-1 filter-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="page"' not in form
    # The page alone is no filter: the filter's panel stays closed.
    assert client.get(_url(sofia_roadmap, "page=2")).context["filter"].is_bound is False
    # The workbook gets the filter, not the page.
    export = reverse("actions:export", args=[sofia_roadmap.pk])
    assert f'id="export-link" href="{export}?status=proposed&amp;status=done"' in html


def test_challenges_run_across_pages_and_empty_ones_stand_where_they_fall(
    client, editor, sofia_roadmap, organisations
):
    first = factories.challenge(sofia_roadmap, title="First", position=1)
    second = factories.challenge(sofia_roadmap, title="Second", position=2)
    factories.challenge(sofia_roadmap, title="Empty between", position=3)
    third = factories.challenge(sofia_roadmap, title="Third", position=4)
    factories.challenge(sofia_roadmap, title="Empty at the end", position=5)
    for challenge in (first, second, third):
        Action.objects.bulk_create(
            Action(
                roadmap=sofia_roadmap,
                challenge=challenge,
                position=challenge.position * 1000 + i,
                title=f"{challenge.title} {i}",
                activity_type="event",
            )
            for i in range(80)
        )
    factories.action(sofia_roadmap, title="Unassigned")
    client.force_login(editor)

    def groups(page):
        response = client.get(_url(sofia_roadmap, f"page={page}"))
        return [
            (
                group.challenge.title if group.challenge else None,
                len(group.rows),
                group.continued,
            )
            for group in response.context["groups"]
        ]

    assert groups(1) == [("First", 80, False), ("Second", 20, False)]
    assert groups(2) == [("Second", 60, True), ("Empty between", 0, False), ("Third", 40, False)]
    assert groups(3) == [("Third", 40, True), ("Empty at the end", 0, False), (None, 1, False)]
    html = client.get(_url(sofia_roadmap, "page=2")).content.decode()
    assert "(continued from the previous page)" in html
    assert "No action here yet." in html


def test_a_challenge_the_filter_empties_says_so_not_that_it_has_no_action(
    client, editor, sofia_roadmap
):
    """A filter that leaves none of a challenge's rows: the challenge says that no
    action matches the filter, not "no action here yet" (it has actions); a challenge
    with no action at all still says that it has none."""
    full = factories.challenge(sofia_roadmap, title="Full", position=1)
    factories.challenge(sofia_roadmap, title="Empty", position=2)
    factories.action(sofia_roadmap, challenge=full, title="Green roofs")
    client.force_login(editor)

    def empty_rows(query):
        html = client.get(_url(sofia_roadmap, query)).content.decode()
        return re.findall(r'<td colspan="7" class="text-body-secondary">([^<]*)</td>', html)

    assert empty_rows("q=nothing+like+it") == [
        "No action matches the filter.",
        "No action here yet.",
    ]
    assert empty_rows("") == ["No action here yet."]


def test_an_htmx_link_of_the_pagination_gets_the_table_alone(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    client.force_login(editor)
    url = _url(sofia_roadmap, "page=2")
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="table-of-actions")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.count('id="table-of-actions"') == 1
    assert html.count('class="action-row') == PER_PAGE and "Row 00100" in html
    # Focus moves to the new page; screen readers hear which it is.
    assert 'id="table-of-actions" data-focus' in html
    assert '<div id="table-status" hx-swap-oob="innerHTML">' in html
    assert "Page 2 of 3 of the Action Table." in html
    assert "HX-Request" in response["Vary"]
    # The whole page when htmx restores its history, or for another htmx target.
    restore = client.get(
        url,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="table-of-actions",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()
    assert "HX-Request" in client.get(url)["Vary"]


def _second_page_row(roadmap):
    return roadmap.actions.in_table_order()[PER_PAGE + 5]


def test_a_row_edited_on_page_two_stays_on_page_two(client, editor, sofia_roadmap, organisations):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    action = _second_page_row(sofia_roadmap)
    client.force_login(editor)
    edit = reverse("actions:action_edit", args=[action.pk])
    page = _url(sofia_roadmap, "page=2")
    # In place (htmx): the row alone comes back, with the counts of the whole roadmap.
    response = client.post(
        edit,
        factories.action_form(action, title="Edited on page two", status="agreed"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Edited on page two" in html
    assert f'<tr id="action-{action.pk}"' in html and html.count("<tr ") == 1
    assert 'id="completeness" hx-swap-oob="true"' in html and "of 250 rows" in html
    # Without JavaScript: back to the table, at the row's page.
    action.refresh_from_db()
    response = client.post(
        edit, factories.action_form(action, title="Saved again", status="agreed")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page}#action-{action.pk}"
    followed = client.get(response["Location"].split("#")[0])
    flashed = [row for row in followed.context["rows"] if row.flash]
    assert [row.pk for row in flashed] == [action.pk]


def test_a_row_moved_across_the_edge_of_a_page_takes_the_table_to_its_page(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    first_of_two = sofia_roadmap.actions.in_table_order()[PER_PAGE]
    client.force_login(editor)
    move = reverse("actions:action_move", args=[first_of_two.pk])
    response = client.post(
        move,
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{_url(sofia_roadmap, 'page=2')}",
    )
    assert response.status_code == 200
    # Now the last row of page one: the table of page one, and its address.
    assert response["HX-Replace-Url"] == _url(sofia_roadmap)
    assert response.context["page"].number == 1
    assert response.context["rows"][-1].pk == first_of_two.pk
    assert response.context["rows"][-1].flash == "Moved up"
    # Down again, on page one: back to page two, its address said.
    response = client.post(
        move,
        {"direction": "down"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{_url(sofia_roadmap)}",
    )
    assert response["HX-Replace-Url"] == _url(sofia_roadmap, "page=2")
    assert response.context["rows"][0].pk == first_of_two.pk
    # Without JavaScript: the redirect goes to the row's page.
    response = client.post(move, {"direction": "up"})
    assert response["Location"] == f"{_url(sofia_roadmap)}#action-{first_of_two.pk}"
    response = client.post(move, {"direction": "down"})
    assert response["Location"] == f"{_url(sofia_roadmap, 'page=2')}#action-{first_of_two.pk}"


def test_a_move_in_a_filtered_table_keeps_the_filter_and_finds_the_rows_page(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 700, organisations, challenges=1)
    filtered = "status=proposed&status=done"
    rows = list(sofia_roadmap.actions.filter(status__in=["proposed", "done"]).in_table_order())
    action = rows[PER_PAGE + 10]
    client.force_login(editor)
    response = client.post(
        reverse("actions:action_move", args=[action.pk]),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{_url(sofia_roadmap, filtered + '&page=2')}",
    )
    assert response["HX-Replace-Url"] == _url(sofia_roadmap, filtered + "&page=2")
    assert action.pk in [row.pk for row in response.context["rows"]]
    assert {row.status for row in response.context["rows"]} <= {"proposed", "done"}


def test_an_action_added_without_javascript_is_shown_on_its_page(
    client, editor, sofia_roadmap, organisations
):
    (challenge,) = bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    client.force_login(editor)
    data = factories.action_form(
        Action(roadmap=sofia_roadmap, challenge=challenge, title="Added", activity_type="event")
    )
    data.pop("version", None)
    response = client.post(reverse("actions:action_create", args=[sofia_roadmap.pk]), data)
    assert response.status_code == 302
    added = sofia_roadmap.actions.get(title="Added")
    assert response["Location"] == f"{_url(sofia_roadmap, 'page=3')}#action-{added.pk}"


@pytest.fixture
def paged(sofia_roadmap, organisations):
    bulk_fill(sofia_roadmap, 150, organisations, challenges=1)
    return sofia_roadmap


@pytest.mark.parametrize("visibility", ["private", "partners", "public"])
@pytest.mark.parametrize(
    "role", ["editor", "moderator", "other_editor", "partner", "network_admin", "anonymous"]
)
@pytest.mark.parametrize("swap", [False, True], ids=["page", "htmx-page"])
def test_page_two_for_every_role(client, request, paged, role, visibility, swap):
    paged.visibility = visibility
    paged.save()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table-of-actions"} if swap else {}
    response = client.get(_url(paged, "page=2"), **headers)
    reads = {
        "private": {"editor", "moderator", "network_admin"},
        "partners": {"editor", "moderator", "network_admin", "partner"},
        "public": {"editor", "moderator", "network_admin", "partner", "other_editor", "anonymous"},
    }[visibility]
    if role not in reads:
        if role == "anonymous" and swap:
            # htmx is told to load the login page as a whole page.
            assert response.status_code == 204 and "login" in response["HX-Redirect"]
        elif role == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 00100" in html and "Row 00099" not in html
    edited = {int(pk) for pk in re.findall(r"/actions/(\d+)/edit/", html)}
    if role == "partner":
        # A partner updates the rows their organisation leads or partners (issue 16).
        assert edited == {row.pk for row in response.context["rows"] if row.can_update}
        return
    edits = role in ("editor", "moderator", "network_admin")
    assert ('class="btn btn-sm btn-outline-primary row-edit"' in html) is edits
    assert bool(edited) is edits


class _RecordingSchemaEditor:
    """What the migration's functions use of a schema editor: the connection, and
    ``execute``, here recorded instead of run."""

    def __init__(self, vendor: str):
        self.connection = type("Connection", (), {"vendor": vendor})()
        self.statements: list[str] = []

    def execute(self, sql, params=()):
        self.statements.append(sql)


def _search_indexes_migration():
    return importlib.import_module("actions.migrations.0007_table_order_and_search_indexes")


def test_the_trigram_migration_does_nothing_on_sqlite():
    migration = _search_indexes_migration()
    editor = _RecordingSchemaEditor("sqlite")
    migration.add_trigram_indexes(None, editor)
    migration.remove_trigram_indexes(None, editor)
    assert editor.statements == []


def test_the_trigram_migration_indexes_what_icontains_compares_on_postgresql():
    migration = _search_indexes_migration()
    editor = _RecordingSchemaEditor("postgresql")
    migration.add_trigram_indexes(None, editor)
    assert editor.statements[0] == "CREATE EXTENSION IF NOT EXISTS pg_trgm"
    assert (
        'CREATE INDEX IF NOT EXISTS "actions_action_title_trgm" ON "actions_action" '
        'USING gin (UPPER("title"::text) gin_trgm_ops)'
    ) in editor.statements
    assert len(editor.statements) == 5
    editor.statements.clear()
    migration.remove_trigram_indexes(None, editor)
    assert editor.statements == [
        f'DROP INDEX IF EXISTS "actions_action_{column}_trgm"'
        for column in ("title", "description", "expected_results", "resources")
    ]


def test_the_database_has_the_trigram_indexes_on_postgresql_alone(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Action._meta.db_table)
    trigram = {name for name in indexes if name.endswith("_trgm")}
    columns = ("title", "description", "expected_results", "resources")
    if connection.vendor == "postgresql":
        assert trigram == {f"actions_action_{column}_trgm" for column in columns}
    else:
        assert trigram == set()
    # The dashboard's index, on both.
    assert "action_open_deadline" in indexes


def test_the_open_deadline_index_leaves_out_what_the_model_calls_closed():
    (index,) = [i for i in Action._meta.indexes if i.name == "action_open_deadline"]
    assert set(Action.CLOSED_STATUSES) == {"done", "dropped"}
    assert "done" in str(index.condition) and "dropped" in str(index.condition)


def test_an_edit_kept_over_a_login_is_shown_on_its_rows_page(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    action = sofia_roadmap.actions.in_table_order()[2 * PER_PAGE + 1]
    # Anonymous now: the session ended while the row of page three was open.
    response = client.post(
        reverse("actions:action_edit", args=[action.pk]),
        factories.action_form(action, title="Typed before the timeout"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{_url(sofia_roadmap, 'page=3')}",
    )
    assert response.status_code == 204
    client.force_login(editor)
    # Whichever page the login leads back to, the table opens at the row's.
    page = client.get(_url(sofia_roadmap))
    assert page.context["page"].number == 3
    assert 'value="Typed before the timeout"' in page.content.decode()


@pytest.mark.parametrize("words", ["зелена", "ЗЕЛЕНА 1", "обучители", "row 2-1", "Без"])
def test_the_table_search_finds_what_python_finds_on_either_database(
    client, editor, sofia_roadmap, mixed, words
):
    """On SQLite through core/sqlite.py's LIKE, on PostgreSQL through UPPER(...) LIKE
    (which the trigram indexes answer): the same rows as a case-folded ``in``."""
    fields = ("title", "description", "expected_results", "resources")
    expected = {
        action.title
        for action in sofia_roadmap.actions.all()
        if any(words.casefold() in getattr(action, field).casefold() for field in fields)
    }
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, f"q={words}"))
    assert set(_titles(response)) == expected
    assert response.context["shown"] == len(expected)


def test_a_row_removed_from_page_two_leads_back_to_page_two(
    client, editor, sofia_roadmap, organisations
):
    bulk_fill(sofia_roadmap, 250, organisations, challenges=1)
    action = _second_page_row(sofia_roadmap)
    client.force_login(editor)
    response = client.post(
        reverse("actions:action_delete", args=[action.pk]), {"version": action.version}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(sofia_roadmap, "page=2")
    assert not sofia_roadmap.actions.filter(pk=action.pk).exists()
