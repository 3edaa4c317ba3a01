"""What the Action Table says after a change: the saved row, the counts out of band,
moves in place keeping the filter and the sort, the add form's indicators, the
question on "done" short of 100 %, and a form sent after the session ended."""

import pytest
from django.urls import reverse

from actions.models import Action
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def rows(sofia_roadmap, sofia):
    challenge = factories.challenge(sofia_roadmap, title="Inclusion")
    lead = factories.organisation(sofia, "Sofia Municipality", kind="municipality")
    first = factories.action(sofia_roadmap, challenge=challenge, title="First", lead_partner=lead)
    second = factories.action(sofia_roadmap, challenge=challenge, title="Second")
    third = factories.action(sofia_roadmap, challenge=challenge, title="Third", status="done")
    return [first, second, third]


def _table(roadmap):
    return reverse("actions:roadmap", args=[roadmap.pk])


def test_saved_row_says_so_and_sends_the_counts_out_of_band(client, editor, rows):
    client.force_login(editor)
    row = rows[1]
    response = client.post(
        reverse("actions:action_edit", args=[row.pk]),
        factories.action_form(row, status="in_progress"),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="action-{row.pk}" class="action-row flash"' in html
    assert '<div class="row-flash-message small fw-semibold">Saved</div>' in html
    assert '<p class="mb-2" id="completeness" hx-swap-oob="true">' in html
    assert "in progress: 1" in html and "proposed: 1" in html
    assert '<div id="table-status" hx-swap-oob="innerHTML">Second: Saved</div>' in html


def test_saved_row_without_javascript_flashes_on_the_table_page(client, editor, rows):
    client.force_login(editor)
    row = rows[0]
    response = client.post(
        reverse("actions:action_edit", args=[row.pk]), factories.action_form(row, title="One")
    )
    assert response.status_code == 302
    page = client.get(_table(row.roadmap)).content.decode()
    assert f'id="action-{row.pk}" class="action-row flash"' in page
    # Once: the next visit shows the row plainly.
    assert "row-flash-message" not in client.get(_table(row.roadmap)).content.decode()


def test_move_buttons_are_hidden_where_the_row_cannot_move(client, editor, rows):
    client.force_login(editor)
    context = client.get(_table(rows[0].roadmap)).context
    moves = {row.title: (row.can_move_up, row.can_move_down) for row in context["rows"]}
    assert moves == {"First": (False, True), "Second": (True, True), "Third": (True, False)}
    sorted_rows = client.get(_table(rows[0].roadmap), {"sort": "title"}).context["rows"]
    assert not any(row.can_move_up or row.can_move_down for row in sorted_rows)


def test_move_in_place_returns_the_table_with_the_pages_filter(client, editor, rows):
    client.force_login(editor)
    roadmap = rows[0].roadmap
    page = f"http://testserver{_table(roadmap)}?status=proposed"
    response = client.post(
        reverse("actions:action_move", args=[rows[1].pk]),
        {"direction": "up"},
        HTTP_HX_CURRENT_URL=page,
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<div") and 'id="table-of-actions"' in html
    # The filter of the page: the done row is not shown.
    titles = [row.title for row in response.context["rows"]]
    assert titles == ["Second", "First"]
    assert 'hx-swap-oob="innerHTML">Moved up</div>' in html
    moved = next(row for row in response.context["rows"] if row.pk == rows[1].pk)
    assert (moved.flash, moved.can_move_up) == ("Moved up", False)
    assert list(roadmap.actions.order_by("position").values_list("title", flat=True)) == [
        "Second",
        "First",
        "Third",
    ]


def test_add_form_takes_indicators_so_the_new_row_is_measurable(
    client, editor, sofia_roadmap, rows
):
    client.force_login(editor)
    url = reverse("actions:action_create", args=[sofia_roadmap.pk])
    assert 'name="indicators-0-baseline"' in client.get(url).content.decode()
    data = factories.action_form(
        Action(roadmap=sofia_roadmap, activity_type="training", title="Mentoring"),
        version="",
        lead_partner=rows[0].lead_partner_id,
        deadline="2030-06-30",
        resources="Two mentors",
        **{
            "indicators-TOTAL_FORMS": 1,
            "indicators-INITIAL_FORMS": 0,
            "indicators-MIN_NUM_FORMS": 0,
            "indicators-MAX_NUM_FORMS": 1000,
            "indicators-0-name": "Mentees",
            "indicators-0-baseline": 0,
            "indicators-0-target": 20,
        },
    )
    data.pop("key_partners")
    response = client.post(url, data)
    assert response.status_code == 302
    created = Action.objects.get(title="Mentoring")
    assert created.is_measurable()
    assert [(i.name, i.target) for i in created.indicators.all()] == [("Mentees", 20)]
    page = client.get(_table(sofia_roadmap)).content.decode()
    assert f'id="action-{created.pk}" class="action-row flash"' in page
    assert "Added: Mentoring" in page


def test_add_form_asked_with_htmx_is_the_add_form_not_an_error(client, editor, sofia_roadmap):
    client.force_login(editor)
    response = client.get(reverse("actions:action_create", args=[sofia_roadmap.pk]), **HTMX)
    assert response.status_code == 200
    # The add form's own page (it posts to its own URL): the table has no row to replace.
    assert "actions/action_form.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'name="title"' in html and "NoReverseMatch" not in html


def test_done_short_of_100_asks_which_is_right(client, editor, rows):
    client.force_login(editor)
    row = rows[1]
    url = reverse("actions:action_edit", args=[row.pk])
    response = client.post(url, factories.action_form(row, status="done", progress=30), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The status is done but the progress is 30 %. Which is right?" in html
    assert 'name="confirm_progress"' in html
    row.refresh_from_db()
    assert row.status == "proposed"
    response = client.post(
        url,
        factories.action_form(row, status="done", progress=30, confirm_progress="on"),
        **HTMX,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.status, row.progress) == ("done", 30)


def test_done_at_100_is_not_questioned(client, editor, rows):
    client.force_login(editor)
    row = rows[1]
    response = client.post(
        reverse("actions:action_edit", args=[row.pk]),
        factories.action_form(row, status="done", progress=100),
        **HTMX,
    )
    assert response.status_code == 200


def test_edit_sent_after_the_session_ended_comes_back_after_the_login(client, editor, rows):
    row = rows[1]
    table = _table(row.roadmap)
    # Anonymous now: the session ended while the row was open.
    response = client.post(
        reverse("actions:action_edit", args=[row.pk]),
        factories.action_form(row, title="Typed before the timeout"),
        HTTP_HX_CURRENT_URL=f"http://testserver{table}",
        **HTMX,
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))
    client.force_login(editor)
    page = client.get(table)
    html = page.content.decode()
    assert "Your session had ended, so these changes were not saved." in html
    assert 'value="Typed before the timeout"' in html
    row.refresh_from_db()
    assert row.title == "Second"
    # Once only.
    assert "Typed before the timeout" not in client.get(table).content.decode()


def test_edit_page_sent_after_the_session_ended_keeps_the_values(client, editor, rows):
    row = rows[1]
    url = reverse("actions:action_edit", args=[row.pk])
    response = client.post(url, factories.action_form(row, title="Kept on its page"))
    assert response.status_code == 302
    client.force_login(editor)
    html = client.get(url).content.decode()
    assert 'value="Kept on its page"' in html
    assert "check them and save again" in html


def test_counts_and_filter_form_in_a_grid(client, editor, rows):
    client.force_login(editor)
    html = client.get(_table(rows[0].roadmap)).content.decode()
    assert 'class="mt-1 filter-form"' in html
    assert 'class="form-select form-select-sm"' in html
    assert 'id="completeness"' in html and 'id="table-status"' in html
