"""Editing Action Table rows through the browser: in place (htmx) and on
plain form pages, for every role; conflicts; validation in the row."""

import pytest
from django.urls import reverse

from actions.models import Action
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def row(sofia_roadmap):
    return factories.school_programme(sofia_roadmap)


def edit_url(row):
    return reverse("actions:action_edit", args=[row.pk])


def test_editor_gets_the_row_form_in_place(client, editor, row):
    client.force_login(editor)
    response = client.get(edit_url(row), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert 'name="version" value="1"' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_editor_gets_a_full_form_page_without_javascript(client, editor, row):
    client.force_login(editor)
    response = client.get(edit_url(row))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_editor_saves_in_place_and_gets_the_row_back(client, editor, row):
    client.force_login(editor)
    response = client.post(
        edit_url(row), factories.action_form(row, title="School CSR programme", progress=30), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{row.pk}"')
    assert "School CSR programme" in html
    assert "data-focus" in html
    row.refresh_from_db()
    assert (row.title, row.progress, row.version) == ("School CSR programme", 30, 2)
    assert row.history.latest().history_user == editor


def test_plain_post_redirects_to_the_row_in_the_table(client, editor, row):
    client.force_login(editor)
    response = client.post(edit_url(row), factories.action_form(row, progress=50))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{row.pk}")


def test_validation_errors_show_in_the_row_and_keep_the_input(client, editor, row):
    client.force_login(editor)
    data = factories.action_form(
        row, title="Kept title", progress=140, start_date="2024-05-01", deadline="2024-04-01"
    )
    response = client.post(edit_url(row), data, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert "Kept title" in html
    assert "Ensure this value is less than or equal to 100." in html
    assert "The deadline cannot be before the start." in html
    assert 'aria-invalid="true"' in html
    row.refresh_from_db()
    assert row.version == 1 and row.title == "School programme"


@pytest.mark.parametrize("version", ["", "abc", "0", "²"])
@pytest.mark.parametrize("htmx", [True, False], ids=["in place", "page"])
def test_a_missing_or_bad_version_is_shown_not_swallowed(client, editor, row, version, htmx):
    client.force_login(editor)
    headers = HTMX if htmx else {}
    response = client.post(
        edit_url(row), factories.action_form(row, title="Mine", version=version), **headers
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The form is missing the row&#x27;s version; open the action again." in html
    row.refresh_from_db()
    assert (row.title, row.version) == ("School programme", 1)


def test_wide_fields_get_wide_columns(client, editor, row):
    client.force_login(editor)
    html = client.get(edit_url(row)).content.decode()
    for name in ("description", "expected_results", "resources", "in_kind", "key_partners"):
        before = html[
            : html.index(f'<label class="form-label small mb-0" for="id_action{row.pk}_{name}"')
        ]
        assert before.rstrip().endswith('<div class="wide">'), name
    for name in ("title", "status", "progress", "challenge", "start_date"):
        before = html[
            : html.index(f'<label class="form-label small mb-0" for="id_action{row.pk}_{name}"')
        ]
        assert before.rstrip().endswith("<div>"), name


def test_lead_partner_as_key_partner_is_a_row_error(client, editor, row):
    client.force_login(editor)
    response = client.post(
        edit_url(row), factories.action_form(row, key_partners=[row.lead_partner_id]), **HTMX
    )
    assert response.status_code == 422
    assert "The lead partner cannot also be a key partner." in response.content.decode()


def test_errors_in_bulgarian_for_a_bulgarian_user(client, editor, row, settings):
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    response = client.post(edit_url(row), factories.action_form(row, progress=140), **HTMX)
    assert response.status_code == 422
    assert "Уверете се, че тази стойност е по-малка или равна на 100" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("deadline", "Срокът не може да е преди началото."),
        ("key_partners", "Водещият партньор не може да бъде и ключов партньор."),
    ],
)
def test_the_apps_own_errors_in_bulgarian(client, editor, row, settings, field, message):
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    bad = {
        "deadline": {"start_date": "2026-06-01", "deadline": "2026-05-01"},
        "key_partners": {"key_partners": [row.lead_partner_id]},
    }[field]
    response = client.post(
        edit_url(row), factories.action_form(row, title="Въведено от мен", **bad), **HTMX
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "Въведено от мен" in page  # what the user typed stays in the row
    row.refresh_from_db()
    assert row.version == 1 and row.title != "Въведено от мен"


def test_two_stale_edits_one_wins_the_other_sees_the_conflict(client, editor, moderator, row):
    first, second = client, client.__class__()
    first.force_login(editor)
    second.force_login(moderator)
    ok = first.post(
        edit_url(row), factories.action_form(row, title="Editor's title", progress=20), **HTMX
    )
    assert ok.status_code == 200
    refused = second.post(
        edit_url(row), factories.action_form(row, title="Moderator's title", progress=90), **HTMX
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Editor&#x27;s title" in html and "Moderator&#x27;s title" in html
    assert "Nothing was overwritten" in html
    assert 'name="version" value="2"' in html  # saving again would reapply theirs over
    row.refresh_from_db()
    assert (row.title, row.progress, row.version) == ("Editor's title", 20, 2)
    # The moderator decides to reapply their values over the editor's.
    again = second.post(
        edit_url(row),
        factories.action_form(row, title="Moderator's title", progress=90, version=2),
        **HTMX,
    )
    assert again.status_code == 200
    row.refresh_from_db()
    assert (row.title, row.version) == ("Moderator's title", 3)


@pytest.mark.parametrize("role", ["partner", "other_editor"])
def test_non_editors_cannot_post_edits(client, request, row, sofia_roadmap, role):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.post(edit_url(row), factories.action_form(row, title="Hijack"))
    # A partner can see the row (403); an editor of another city cannot (404).
    assert response.status_code == (403 if role == "partner" else 404)
    row.refresh_from_db()
    assert row.title == "School programme"


def test_anonymous_post_goes_to_login(client, row):
    response = client.post(edit_url(row), factories.action_form(row, title="Hijack"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.title == "School programme"


def test_cancel_returns_the_display_row(client, editor, row):
    client.force_login(editor)
    response = client.get(reverse("actions:action_row", args=[row.pk]), **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="action-{row.pk}"')


def test_editor_adds_a_row_in_a_challenge(client, editor, row, sofia_roadmap):
    client.force_login(editor)
    url = reverse("actions:action_create", args=[sofia_roadmap.pk])
    page = client.get(url + f"?challenge={row.challenge_id}")
    assert page.status_code == 200
    data = factories.action_form(row, title="Green procurement guide", version="")
    response = client.post(url, data)
    assert response.status_code == 302
    created = Action.objects.get(title="Green procurement guide")
    assert created.challenge_id == row.challenge_id
    assert created.created_by == editor
    assert created.history.get().history_type == "+"


def test_add_with_errors_keeps_the_input(client, editor, row, sofia_roadmap):
    client.force_login(editor)
    url = reverse("actions:action_create", args=[sofia_roadmap.pk])
    response = client.post(
        url, factories.action_form(row, title="", description="keep me", version="")
    )
    assert response.status_code == 422
    assert "keep me" in response.content.decode()
    assert Action.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "²", "1e3", "-1", "9" * 40, "foreign"])
def test_add_page_ignores_a_challenge_that_is_not_one_of_the_roadmap(
    client, editor, row, sofia_roadmap, sofia, value
):
    if value == "foreign":
        value = str(factories.challenge(factories.roadmap(sofia), title="Elsewhere").pk)
    client.force_login(editor)
    url = reverse("actions:action_create", args=[sofia_roadmap.pk]) + f"?challenge={value}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Elsewhere" not in page.content.decode()
    response = client.post(url, factories.action_form(row, title="Added anyway", version=""))
    assert response.status_code == 302
    assert Action.objects.get(title="Added anyway").challenge_id == row.challenge_id


def test_partner_cannot_add(client, partner, sofia_roadmap, row):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    client.force_login(partner)
    url = reverse("actions:action_create", args=[sofia_roadmap.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, factories.action_form(row, title="X", version="")).status_code == 403


def test_remove_asks_for_confirmation_then_keeps_history(client, editor, row):
    client.force_login(editor)
    url = reverse("actions:action_delete", args=[row.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert Action.objects.filter(pk=row.pk).exists()
    response = client.post(url, {"version": 1})
    assert response.status_code == 302
    assert not Action.objects.filter(pk=row.pk).exists()
    assert Action.history.filter(id=row.pk, history_type="-", history_user=editor).exists()


def test_remove_with_stale_version_is_refused(client, editor, row):
    client.force_login(editor)
    Action.objects.filter(pk=row.pk).update(version=2)
    response = client.post(reverse("actions:action_delete", args=[row.pk]), {"version": 1})
    assert response.status_code == 302
    assert Action.objects.filter(pk=row.pk).exists()


def test_remove_without_version_is_a_400(client, editor, row):
    client.force_login(editor)
    response = client.post(reverse("actions:action_delete", args=[row.pk]), {"version": "x"})
    assert response.status_code == 400
    assert Action.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("direction", ["up", "down"])
def test_move_row_up_or_down(client, editor, row, sofia_roadmap, direction):
    below = factories.action(sofia_roadmap, challenge=row.challenge)
    moved = below if direction == "up" else row
    client.force_login(editor)
    response = client.post(
        reverse("actions:action_move", args=[moved.pk]), {"direction": direction}
    )
    assert response.status_code == 302
    assert list(sofia_roadmap.actions.order_by("position").values_list("pk", flat=True)) == [
        below.pk,
        row.pk,
    ]


def test_move_without_a_direction_says_so_and_moves_nothing(client, editor, row, sofia_roadmap):
    below = factories.action(sofia_roadmap, challenge=row.challenge)
    client.force_login(editor)
    response = client.post(
        reverse("actions:action_move", args=[row.pk]), {"direction": "sideways"}, follow=True
    )
    assert "Say which way to move the action." in response.content.decode()
    assert list(sofia_roadmap.actions.order_by("position").values_list("pk", flat=True)) == [
        row.pk,
        below.pk,
    ]


def test_move_to_another_challenge_of_the_roadmap(client, editor, row, sofia_roadmap):
    other = factories.challenge(sofia_roadmap, title="Another strand")
    opened = factories.action_form(row, title="Stale")
    client.force_login(editor)
    response = client.post(reverse("actions:action_move", args=[row.pk]), {"challenge": other.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.challenge, row.version) == (other, 2)
    # A form opened before the move is refused, so the move is not undone unseen.
    stale = client.post(edit_url(row), opened, **HTMX)
    assert stale.status_code == 409
    row.refresh_from_db()
    assert row.challenge == other and row.title != "Stale"


def test_move_to_challenge_of_another_roadmap_is_404(client, editor, row, sofia):
    foreign = factories.challenge(factories.roadmap(sofia))
    client.force_login(editor)
    response = client.post(reverse("actions:action_move", args=[row.pk]), {"challenge": foreign.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "²", "9" * 40])
def test_move_to_a_challenge_that_is_not_an_id_is_404(client, editor, row, value):
    client.force_login(editor)
    response = client.post(reverse("actions:action_move", args=[row.pk]), {"challenge": value})
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.challenge_id is not None and row.position == 0


def test_move_needs_post(client, editor, row):
    client.force_login(editor)
    assert client.get(reverse("actions:action_move", args=[row.pk])).status_code == 405


def test_indicators_page_saves_through_the_service(client, editor, row):
    client.force_login(editor)
    url = reverse("actions:action_indicators", args=[row.pk])
    assert client.get(url).status_code == 200
    data = {
        "version": 1,
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
        "indicators-0-name": "Schools reached",
        "indicators-0-unit": "schools",
        "indicators-0-baseline": "0",
        "indicators-0-target": "12",
        "indicators-0-current": "",
        "indicators-0-source": "Municipality",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.version == 2
    assert row.indicators.get().target == 12


def test_indicators_bad_number_is_a_form_error(client, editor, row):
    client.force_login(editor)
    url = reverse("actions:action_indicators", args=[row.pk])
    data = {
        "version": 1,
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
        "indicators-0-name": "Schools",
        "indicators-0-target": "twelve",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert not row.indicators.exists()


@pytest.mark.parametrize("version", ["²", "١", "1.0", "", "9" * 40])
def test_indicators_with_a_version_that_is_not_a_number_is_a_form_error(
    client, editor, row, version
):
    client.force_login(editor)
    url = reverse("actions:action_indicators", args=[row.pk])
    data = {
        "version": version,
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
        "indicators-0-name": "Schools",
        "indicators-0-target": "12",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "The form is missing the row&#x27;s version." in response.content.decode()
    row.refresh_from_db()
    assert row.version == 1 and not row.indicators.exists()


@pytest.mark.parametrize("version", ["²", "١", "9" * 40])
def test_remove_with_a_version_that_is_not_a_number_is_a_400(client, editor, row, version):
    client.force_login(editor)
    response = client.post(reverse("actions:action_delete", args=[row.pk]), {"version": version})
    assert response.status_code == 400
    assert Action.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("role", ["partner", "other_editor"])
def test_non_editors_cannot_change_indicators(client, request, row, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("actions:action_indicators", args=[row.pk])
    assert client.get(url).status_code == 404  # private roadmap: not even visible
