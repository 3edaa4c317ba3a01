"""Form fuzzing (hypothesis): random text, numbers, dates and ids into the action
form (in place and through actions.services), the meeting admin form (with its
agenda inline) and the organisation admin form. Never a 500; invalid input gives
form errors; a refused submission writes nothing, not even half of itself.

Each example runs in a savepoint that is rolled back, so that examples do not
see each other's rows; the runtime stays bounded (about 30 examples a form).
"""

import datetime
import re

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions import services
from actions.forms import ActionForm
from actions.models import Action
from meetings.forms import MeetingCloseForm, ProposalRowForm
from meetings.models import AgendaItem, Meeting
from stakeholders.models import Organisation
from tests import factories

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
HTMX = {"HTTP_HX_REQUEST": "true"}

# What people (and attackers) type: any text, formula starters, markup, NUL,
# right-to-left marks, very long strings.
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "=1+2",
            "@SUM(A1)",
            "<script>alert(1)</script>",
            "\x00",
            "a\x00b",
            "\u202eevil",
            "Ж" * 400,
            "x" * 5000,
            "' OR 1=1 --",
            "{{ 7*7 }}",
        ]
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "1e400", "-0", "0x10", "１２", "NaN", "1,5", "99999999999999999999.99"]),
    texts,
)
dates = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
        lambda d: d.isoformat()
    ),
    st.sampled_from(["", "2024-02-30", "31.12.2024", "0000-00-00", "2024-13-01", "tomorrow"]),
    texts,
)
ids = st.one_of(
    st.integers(min_value=-5, max_value=10**12).map(str),
    st.sampled_from(["", "0", "-1", "1.5", "abc", "9" * 30]),
)


def _snapshot_action(action: Action) -> tuple:
    action = Action.objects.get(pk=action.pk)
    return (
        tuple(getattr(action, f.attname) for f in Action._meta.concrete_fields if f.name != "id"),
        tuple(sorted(action.key_partners.values_list("pk", flat=True))),
        action.history.count(),
        tuple(action.indicators.values_list("pk", "name")),
    )


@pytest.fixture
def row(sofia_roadmap, sofia, vratsa):
    challenge = factories.challenge(sofia_roadmap)
    lead = factories.organisation(sofia, "Sofia Municipality", kind="municipality")
    factories.organisation(vratsa, "Vratsa only")  # an id the form must refuse
    return factories.action(sofia_roadmap, challenge=challenge, lead_partner=lead)


action_inputs = st.fixed_dictionaries(
    {
        "challenge": ids,
        "activity_type": st.one_of(st.sampled_from(Action.ActivityType.values), texts),
        "title": texts,
        "description": texts,
        "expected_results": texts,
        "resources": texts,
        "budget": numbers,
        "currency": texts,
        "people_days": numbers,
        "in_kind": texts,
        "lead_partner": ids,
        "key_partners": st.lists(ids, max_size=4),
        "start_date": dates,
        "deadline": dates,
        "status": st.one_of(st.sampled_from(Action.Status.values), texts),
        "progress": numbers,
        "version": st.one_of(st.just("1"), ids),
    }
)


@FUZZ
@given(data=action_inputs)
def test_action_edit_view_never_fails_and_refusals_write_nothing(client, editor, row, data):
    client.force_login(editor)
    url = reverse("actions:action_edit", args=[row.pk])
    before = _snapshot_action(row)
    with transaction.atomic():
        response = client.post(url, data, **HTMX)
        assert response.status_code in (200, 409, 422), response.status_code
        if response.status_code != 200:
            assert _snapshot_action(row) == before
        if response.status_code == 422:
            assert "is-invalid" in response.content.decode() or "alert" in (
                response.content.decode()
            )
        transaction.set_rollback(True)


@FUZZ
@given(data=action_inputs)
def test_action_create_view_never_fails_and_refusals_add_nothing(
    client, editor, row, sofia_roadmap, data
):
    client.force_login(editor)
    url = reverse("actions:action_create", args=[sofia_roadmap.pk])
    count = Action.objects.count()
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:
            assert Action.objects.count() == count
            assert response.context["form"].errors
        transaction.set_rollback(True)


@FUZZ
@given(data=action_inputs)
def test_action_form_and_service_agree_and_never_half_write(editor, row, sofia_roadmap, data):
    """What the form accepts, the service saves whole or refuses whole."""
    form = ActionForm(data, instance=Action.objects.get(pk=row.pk), roadmap=sofia_roadmap)
    before = _snapshot_action(row)
    with transaction.atomic():
        if form.is_valid():
            try:
                services.action_update(
                    action=row,
                    data=form.action_data(),
                    by=editor,
                    expected_version=form.cleaned_data["version"],
                )
            except (services.ActionConflict, services.ValidationError):
                assert _snapshot_action(row) == before
        else:
            assert form.errors
        transaction.set_rollback(True)


# --- Meetings ---------------------------------------------------------------------

meeting_inputs = st.fixed_dictionaries(
    {
        "number": numbers,
        "title": texts,
        "phase": texts,
        "status": st.one_of(st.sampled_from(Meeting.Status.values), texts),
        "start_0": dates,
        "start_1": st.one_of(st.sampled_from(["10:00", "25:61", "", "10:00:00"]), texts),
        "end_0": dates,
        "end_1": st.one_of(st.sampled_from(["12:00", "", "99"]), texts),
        "format": st.one_of(st.sampled_from(Meeting.Format.values), texts),
        "place": texts,
        "link": st.one_of(st.sampled_from(["https://meet.example.org/x", "javascript:x"]), texts),
        "moderator": ids,
        "summary": texts,
        "agenda_items-TOTAL_FORMS": st.sampled_from(["0", "1", "1", "-1", "1001", "x"]),
        "agenda_items-0-position": numbers,
        "agenda_items-0-title": texts,
        "agenda_items-0-duration_minutes": numbers,
        "agenda_items-0-presenter": ids,
    }
)


def _meeting_admin_data(roadmap_id, data):
    base = {"roadmap": roadmap_id, "agenda_items-INITIAL_FORMS": "0"}
    for prefix in ("attendances", "contributions", "next_steps"):
        base.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**base, **data}


@FUZZ
@given(data=meeting_inputs, roadmap_choice=st.sampled_from(["own", "other", "junk"]))
def test_meeting_admin_add_never_fails_and_refusals_add_nothing(
    client, moderator, sofia_roadmap, vratsa_roadmap, data, roadmap_choice
):
    client.force_login(moderator)
    roadmap_id = {"own": sofia_roadmap.pk, "other": vratsa_roadmap.pk, "junk": "x"}[roadmap_choice]
    counts = (Meeting.objects.count(), AgendaItem.objects.count())
    with transaction.atomic():
        response = client.post(
            reverse("admin:meetings_meeting_add"), _meeting_admin_data(roadmap_id, data)
        )
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert (Meeting.objects.count(), AgendaItem.objects.count()) == counts
            context = response.context
            assert context["adminform"].form.errors or any(
                formset.total_error_count() or formset.non_form_errors()
                for formset in context["inline_admin_formsets"]
            )
        else:
            # Only ever a meeting of the moderator's own roadmap.
            assert roadmap_choice == "own"
            assert not Meeting.objects.filter(roadmap=vratsa_roadmap).exists()
        transaction.set_rollback(True)


@pytest.fixture
def meeting(sofia_roadmap):
    return factories.meeting(sofia_roadmap, title="Kick-off")


@FUZZ
@given(data=meeting_inputs)
def test_meeting_admin_change_never_fails_and_refusals_change_nothing(
    client, moderator, sofia_roadmap, meeting, data
):
    client.force_login(moderator)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    # The version the form was opened at, as a browser would send it back: without
    # it every save is refused as stale before the form's own checks are reached.
    opened = re.search(r'name="version" value="([^"]*)"', client.get(url).content.decode()).group(1)
    before = tuple(Meeting.objects.filter(pk=meeting.pk).values_list())
    with transaction.atomic():
        response = client.post(
            url, {**_meeting_admin_data(sofia_roadmap.pk, data), "version": opened}
        )
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert tuple(Meeting.objects.filter(pk=meeting.pk).values_list()) == before
            assert not AgendaItem.objects.filter(meeting=meeting).exists()
            form = response.context["adminform"].form
            assert not any("since you opened it" in error for error in form.non_field_errors())
        transaction.set_rollback(True)


@FUZZ
@given(
    title=texts,
    activity_type=texts,
    deadline=dates,
    summary=texts,
    approve=st.sampled_from(["", "on", "x"]),
)
def test_meeting_cockpit_forms_give_errors_not_exceptions(
    db, title, activity_type, deadline, summary, approve
):
    row_form = ProposalRowForm(
        {"title": title, "activity_type": activity_type, "deadline": deadline}
    )
    if row_form.is_valid():
        assert row_form.action_data()["title"]
    else:
        assert row_form.errors
    close_form = MeetingCloseForm({"summary": summary, "approve_minutes": approve})
    assert close_form.is_valid() or close_form.errors


# --- Organisations ---------------------------------------------------------------

organisation_inputs = st.fixed_dictionaries(
    {
        "name": texts,
        "kind": st.one_of(st.sampled_from(Organisation.Kind.values), texts),
        "sector": texts,
        "website": st.one_of(st.sampled_from(["https://example.org", "javascript:x"]), texts),
        "notes": texts,
        "memberships-TOTAL_FORMS": st.sampled_from(["0", "1", "-3", "x"]),
        "memberships-INITIAL_FORMS": st.sampled_from(["0", "0", "5"]),
        "memberships-0-city": ids,
        "memberships-0-role": texts,
        "memberships-0-since": dates,
    }
)


@FUZZ
@given(data=organisation_inputs, city_choice=st.sampled_from(["own", "other", "junk"]))
def test_organisation_admin_add_never_fails_and_refusals_add_nothing(
    client, editor, sofia, vratsa, data, city_choice
):
    client.force_login(editor)
    city_id = {"own": sofia.pk, "other": vratsa.pk, "junk": "-1"}[city_choice]
    count = Organisation.objects.count()
    with transaction.atomic():
        response = client.post(
            reverse("admin:stakeholders_organisation_add"), {**data, "city": city_id}
        )
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert Organisation.objects.count() == count
        else:
            assert city_choice == "own"
            assert not Organisation.objects.filter(city=vratsa).exists()
        transaction.set_rollback(True)


# --- What the fuzzing found ---------------------------------------------------------

HUGE_ID = "9" * 30


def test_key_partner_id_past_64_bits_is_a_form_error_in_the_row(client, editor, row):
    client.force_login(editor)
    data = {
        "activity_type": row.activity_type,
        "title": row.title,
        "currency": row.currency,
        "status": row.status,
        "progress": 0,
        "version": 1,
        "key_partners": [HUGE_ID],
    }
    response = client.post(reverse("actions:action_edit", args=[row.pk]), data, **HTMX)
    assert response.status_code == 422
    assert "key_partners" in response.context["form"].errors
    assert _snapshot_action(row)[0] == _snapshot_action(row)[0]
    row.refresh_from_db()
    assert row.version == 1


def test_key_partner_id_past_64_bits_is_a_form_error_in_the_admin(client, editor, row):
    client.force_login(editor)
    response = client.post(
        reverse("admin:actions_action_change", args=[row.pk]),
        {
            "activity_type": row.activity_type,
            "title": "Changed",
            "currency": row.currency,
            "status": row.status,
            "progress": 0,
            "version": 1,
            "key_partners": [HUGE_ID],
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "key_partners" in response.context["adminform"].form.errors
    row.refresh_from_db()
    assert (row.title, row.version) != ("Changed", 2)
