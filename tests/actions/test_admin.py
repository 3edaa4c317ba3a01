"""The Action Table in the Django admin: city scoping, and writes through actions.services."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from actions import admin_rows as actions_admin
from actions.models import Action, Indicator, Roadmap
from actions.services import ActionConflict
from core.history_reasons import reason_text
from core.permissions import forget_access
from tests import factories

CHANGELIST = reverse("admin:actions_action_changelist")


def change_url(action):
    return reverse("admin:actions_action_change", args=[action.pk])


def changelist_titles(response):
    return {row.title for row in response.context["cl"].result_list}


@pytest.fixture
def sofia_action(sofia_roadmap):
    return factories.action(sofia_roadmap, title="Sofia awareness campaign")


@pytest.fixture
def vratsa_action(vratsa_roadmap):
    return factories.action(vratsa_roadmap, title="Vratsa volunteering day")


@pytest.fixture
def vratsa_challenge(vratsa_roadmap):
    return factories.challenge(vratsa_roadmap, title="Vratsa youth leaving")


@pytest.fixture
def both_actions(sofia_action, vratsa_action):
    return sofia_action, vratsa_action


# --- Who sees what ----------------------------------------------------------


def test_sofia_editor_changelist_hides_vratsa_actions(client, editor, both_actions):
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert changelist_titles(response) == {"Sofia awareness campaign"}
    # Nor do the list filters name Vratsa's roadmap.
    assert "Vratsa CSR roadmap" not in response.content.decode()


def test_vratsa_editor_changelist_hides_sofia_actions(client, other_editor, both_actions):
    client.force_login(other_editor)
    response = client.get(CHANGELIST)
    assert changelist_titles(response) == {"Vratsa volunteering day"}


def test_sofia_moderator_changelist_shows_sofia_actions_only(client, moderator, both_actions):
    client.force_login(moderator)
    response = client.get(CHANGELIST)
    assert changelist_titles(response) == {"Sofia awareness campaign"}


def test_network_admin_changelist_shows_every_city(client, network_admin, both_actions):
    client.force_login(network_admin)
    response = client.get(CHANGELIST)
    assert changelist_titles(response) == {"Sofia awareness campaign", "Vratsa volunteering day"}


def test_partner_is_sent_to_admin_login(client, partner, both_actions):
    client.force_login(partner)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_sofia_editor_cannot_open_vratsa_action(client, editor, vratsa_action):
    client.force_login(editor)
    response = client.get(change_url(vratsa_action))
    # The admin answers "doesn't exist" by redirecting to its index.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_sofia_editor_cannot_change_vratsa_action_by_post(client, editor, vratsa_action):
    client.force_login(editor)
    response = client.post(
        change_url(vratsa_action), factories.action_admin_form(vratsa_action, title="Hijacked")
    )
    assert response.status_code == 302
    vratsa_action.refresh_from_db()
    assert vratsa_action.title == "Vratsa volunteering day"


def test_view_on_site_shortcut_leads_only_to_what_the_user_sees(
    client, editor, sofia_action, vratsa_action
):
    """Django's /admin/r/<content type>/<id>/ redirected for any id that exists."""
    content_type = ContentType.objects.get_for_model(Action).pk
    client.force_login(editor)
    own = client.get(reverse("admin:view_on_site", args=[content_type, sofia_action.pk]))
    assert own.status_code == 302
    assert own["Location"].endswith(sofia_action.get_absolute_url())
    for pk in (vratsa_action.pk, 999_999):
        assert client.get(reverse("admin:view_on_site", args=[content_type, pk])).status_code == 404
    # A content type or id no admin shows: 404 as well, never a 500.
    assert client.get("/admin/r/999999/1/").status_code == 404
    assert client.get(f"/admin/r/{content_type}/x/").status_code == 404


def test_sofia_editor_cannot_read_vratsa_action_history(client, editor, vratsa_action):
    client.force_login(editor)
    url = reverse("admin:actions_action_history", args=[vratsa_action.pk])
    # As for an action that does not exist: nothing tells that it does.
    assert client.get(url).status_code == 404
    assert client.get(reverse("admin:actions_action_history", args=[999_999])).status_code == 404


def test_sofia_editor_cannot_delete_vratsa_action(client, editor, vratsa_action):
    client.force_login(editor)
    url = reverse("admin:actions_action_delete", args=[vratsa_action.pk])
    client.post(url, {"post": "yes"})
    assert Action.objects.filter(pk=vratsa_action.pk).exists()


def test_sofia_editor_roadmap_changelist_hides_vratsa_roadmap(
    client, editor, sofia_roadmap, vratsa_roadmap
):
    client.force_login(editor)
    response = client.get(reverse("admin:actions_roadmap_changelist"))
    assert {r.title for r in response.context["cl"].result_list} == {"Sofia CSR roadmap"}


def test_roadmap_change_page_shows_challenges_inline(client, editor, sofia_roadmap):
    factories.challenge(sofia_roadmap, title="Long-term unemployment")
    client.force_login(editor)
    response = client.get(reverse("admin:actions_roadmap_change", args=[sofia_roadmap.pk]))
    assert response.status_code == 200
    assert "Long-term unemployment" in response.content.decode()


def test_staff_may_add_roadmaps_only_for_their_own_cities(client, editor, sofia, vratsa):
    editor.user_permissions.add(Permission.objects.get(codename="add_roadmap"))
    client.force_login(editor)
    response = client.get(reverse("admin:actions_roadmap_add"))
    assert list(response.context["adminform"].form.fields["city"].queryset) == [sofia]

    response = client.post(
        reverse("admin:actions_roadmap_add"),
        {
            "city": vratsa.pk,
            "title": "Planted in Vratsa",
            "status": "draft",
            "visibility": "private",
            "challenges-TOTAL_FORMS": 0,
            "challenges-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "city" in response.context["adminform"].form.errors
    assert not Roadmap.objects.filter(title="Planted in Vratsa").exists()


def test_sofia_editor_challenge_changelist_hides_vratsa_challenges(
    client, editor, sofia_roadmap, vratsa_challenge
):
    factories.challenge(sofia_roadmap, title="Sofia air quality")
    client.force_login(editor)
    response = client.get(reverse("admin:actions_challenge_changelist"))
    assert {c.title for c in response.context["cl"].result_list} == {"Sofia air quality"}


def test_sofia_editor_indicator_changelist_hides_vratsa_indicators(
    client, editor, sofia_action, vratsa_action
):
    factories.indicator(sofia_action, name="Companies reached")
    factories.indicator(vratsa_action, name="Volunteers")
    client.force_login(editor)
    response = client.get(reverse("admin:actions_indicator_changelist"))
    assert {i.name for i in response.context["cl"].result_list} == {"Companies reached"}


# --- Choices ----------------------------------------------------------------


def test_sofia_editor_cannot_pick_vratsa_roadmap_or_challenge(
    client, editor, sofia_roadmap, vratsa_roadmap, vratsa_challenge
):
    sofia_challenge = factories.challenge(sofia_roadmap)
    client.force_login(editor)
    form = client.get(reverse("admin:actions_action_add")).context["adminform"].form
    assert list(form.fields["roadmap"].queryset) == [sofia_roadmap]
    assert list(form.fields["challenge"].queryset) == [sofia_challenge]

    response = client.post(
        reverse("admin:actions_action_add"),
        factories.action_admin_form(
            Action(roadmap=vratsa_roadmap, activity_type="event", title="Sneaked in"),
            roadmap=vratsa_roadmap.pk,
            challenge=vratsa_challenge.pk,
            version="",
        ),
    )
    errors = response.context["adminform"].form.errors
    assert "roadmap" in errors
    assert "challenge" in errors
    assert not Action.objects.filter(title="Sneaked in").exists()


def test_autocomplete_offers_sofia_editor_no_vratsa_challenge(
    client, editor, sofia_roadmap, vratsa_challenge
):
    factories.challenge(sofia_roadmap, title="Sofia air quality")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "actions", "model_name": "action", "field_name": "challenge", "term": ""},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Sofia air quality"]


def test_autocomplete_offers_sofia_editor_no_vratsa_only_organisation(
    client, editor, sofia, vratsa
):
    factories.organisation(sofia, "Sofia Water")
    factories.organisation(vratsa, "Vratsa Dairy")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "actions", "model_name": "action", "field_name": "key_partners"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Sofia Water"]


# --- Writes go through actions.services ------------------------------------


def test_admin_change_bumps_version_and_records_admin_user(client, editor, sofia_action):
    client.force_login(editor)
    response = client.post(
        change_url(sofia_action), factories.action_admin_form(sofia_action, title="Sofia CSR week")
    )
    assert response.status_code == 302
    sofia_action.refresh_from_db()
    assert sofia_action.title == "Sofia CSR week"
    assert sofia_action.version == 2
    assert sofia_action.changed_by == editor
    latest = sofia_action.history.latest("history_date")
    assert latest.history_type == "~"
    assert latest.history_user == editor
    assert latest.title == "Sofia CSR week"


def test_admin_change_of_key_partners_goes_through_service_in_one_history_record(
    client, editor, sofia, sofia_action
):
    chamber = factories.organisation(sofia, "Chamber of Commerce")
    client.force_login(editor)
    before = sofia_action.history.count()
    client.post(
        change_url(sofia_action),
        factories.action_admin_form(sofia_action, key_partners=[chamber.pk]),
    )
    sofia_action.refresh_from_db()
    assert list(sofia_action.key_partners.all()) == [chamber]
    assert sofia_action.version == 2
    assert sofia_action.history.count() == before + 1
    assert list(sofia_action.history.latest("history_date").key_partners.all())


def test_admin_add_creates_the_row_through_the_service(client, editor, sofia_roadmap):
    factories.action(sofia_roadmap, title="First row")
    client.force_login(editor)
    response = client.post(
        reverse("admin:actions_action_add"),
        factories.action_admin_form(
            Action(roadmap=sofia_roadmap, activity_type="training", title="Training for SMEs"),
            roadmap=sofia_roadmap.pk,
            version="",
            **{
                "indicators-TOTAL_FORMS": 1,
                "indicators-0-position": 0,
                "indicators-0-name": "SMEs trained",
                "indicators-0-target": "40",
            },
        ),
    )
    assert response.status_code == 302
    row = Action.objects.get(title="Training for SMEs")
    assert row.position == 1  # at the end of the table, as the service places it
    assert row.created_by == editor
    assert [i.name for i in row.indicators.all()] == ["SMEs trained"]
    # Created by action_create, then its indicators through action_indicators_update.
    assert row.version == 2
    created, indicators_added = row.history.order_by("history_id")
    assert (created.history_type, created.history_user) == ("+", editor)
    assert (indicators_added.history_type, indicators_added.history_user) == ("~", editor)
    assert reason_text(indicators_added.history_change_reason) == "indicators changed"


def test_stale_admin_save_is_refused_and_changes_nothing(client, editor, sofia_action):
    client.force_login(editor)
    opened = factories.action_admin_form(sofia_action, title="My edit")
    # Somebody else saves after the editor opened the page.
    Action.objects.filter(pk=sofia_action.pk).update(version=2, title="Their edit")

    response = client.post(change_url(sofia_action), opened)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "Somebody else saved this action (now version 2)" in str(form.non_field_errors())
    sofia_action.refresh_from_db()
    assert (sofia_action.title, sofia_action.version) == ("Their edit", 2)
    assert sofia_action.history.filter(title="My edit").count() == 0


def test_conflict_raised_by_the_service_becomes_a_form_error(
    client, editor, sofia_action, monkeypatch
):
    """A save that passed the form's version check but lost the race in the service."""

    def lose_the_race(*, action, data, by, expected_version, reason=""):
        raise ActionConflict(current=Action(version=expected_version + 1), attempted=data)

    monkeypatch.setattr(actions_admin, "action_update", lose_the_race)
    client.force_login(editor)
    response = client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action,
            title="Lost",
            **{
                "indicators-TOTAL_FORMS": 1,
                "indicators-0-position": 0,
                "indicators-0-name": "Written with the row, so rolled back with it",
            },
        ),
    )
    assert response.status_code == 200
    assert "Somebody else saved this action" in str(
        response.context["adminform"].form.non_field_errors()
    )
    sofia_action.refresh_from_db()
    assert sofia_action.title == "Sofia awareness campaign"
    assert not sofia_action.indicators.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": "2022-06-01", "deadline": "2022-01-31"},
            "__all__",
            "The deadline cannot be before the start.",
        ),
        ({"progress": 140}, "progress", "less than or equal to 100"),
    ],
    ids=["deadline-before-start", "progress-over-100"],
)
def test_invalid_action_is_refused_with_form_error(
    client, editor, sofia_action, changes, field, message
):
    client.force_login(editor)
    response = client.post(
        change_url(sofia_action), factories.action_admin_form(sofia_action, **changes)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    sofia_action.refresh_from_db()
    assert sofia_action.version == 1


def test_lead_partner_cannot_also_be_key_partner(client, editor, sofia_company, sofia_action):
    client.force_login(editor)
    response = client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action, lead_partner=sofia_company.pk, key_partners=[sofia_company.pk]
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["key_partners"] == [
        "The lead partner cannot also be a key partner."
    ]
    sofia_action.refresh_from_db()
    assert sofia_action.lead_partner is None


def test_admin_delete_goes_through_service_and_records_admin_user(client, editor, sofia_action):
    client.force_login(editor)
    url = reverse("admin:actions_action_delete", args=[sofia_action.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Action.objects.filter(pk=sofia_action.pk).exists()
    deleted = Action.history.filter(id=sofia_action.pk).latest("history_date")
    assert (deleted.history_type, deleted.history_user) == ("-", editor)


def test_action_with_indicators_is_deleted_with_them(client, editor, sofia_action):
    """IndicatorAdmin deletes no indicator on its own; with its action, it goes."""
    factories.indicator(sofia_action, name="Companies reached")
    client.force_login(editor)
    url = reverse("admin:actions_action_delete", args=[sofia_action.pk])
    assert not client.get(url).context["perms_lacking"]
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Action.objects.filter(pk=sofia_action.pk).exists()
    assert not Indicator.objects.filter(action_id=sofia_action.pk).exists()


def test_bulk_delete_of_actions_with_indicators(client, editor, sofia_roadmap):
    rows = [factories.action(sofia_roadmap) for _ in range(2)]
    for row in rows:
        factories.indicator(row)
    client.force_login(editor)
    client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )
    assert not Action.objects.filter(pk__in=[r.pk for r in rows]).exists()


def test_network_admin_deletes_a_roadmap_with_indicators(client, network_admin, sofia_action):
    factories.indicator(sofia_action)
    roadmap = sofia_action.roadmap
    client.force_login(network_admin)
    url = reverse("admin:actions_roadmap_delete", args=[roadmap.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Roadmap.objects.filter(pk=roadmap.pk).exists()


def test_bulk_delete_goes_through_service_per_row(client, editor, sofia_roadmap):
    rows = [factories.action(sofia_roadmap) for _ in range(2)]
    client.force_login(editor)
    client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )
    assert not Action.objects.filter(pk__in=[r.pk for r in rows]).exists()
    deleted = Action.history.filter(history_type="-")
    assert sorted(deleted.values_list("id", flat=True)) == sorted(r.pk for r in rows)
    assert {h.history_user for h in deleted} == {editor}


def test_history_revert_of_an_action_is_refused(client, editor, sofia_action):
    record = sofia_action.history.create(
        id=sofia_action.pk,
        roadmap=sofia_action.roadmap,
        title="Old title",
        activity_type=sofia_action.activity_type,
        history_date=datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc),
        history_type="~",
        version=1,
        position=sofia_action.position,
        currency="EUR",
        status="proposed",
        progress=0,
        created_at=sofia_action.created_at,
        changed_at=sofia_action.changed_at,
    )
    client.force_login(editor)
    url = reverse("admin:actions_action_simple_history", args=[sofia_action.pk, record.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, factories.action_admin_form(sofia_action, title="Old title")).status_code
        == 403
    )
    sofia_action.refresh_from_db()
    assert sofia_action.title == "Sofia awareness campaign"


# --- Indicators go through action_indicators_update -------------------------


def indicator_rows(*indicators, **changes):
    """The indicator inline as the change form posts it, for ``indicators`` as loaded."""
    data = {
        "indicators-TOTAL_FORMS": len(indicators),
        "indicators-INITIAL_FORMS": len(indicators),
    }
    for i, indicator in enumerate(indicators):
        data.update(
            {
                f"indicators-{i}-id": indicator.pk,
                f"indicators-{i}-action": indicator.action_id,
                f"indicators-{i}-position": indicator.position,
                f"indicators-{i}-name": indicator.name,
                f"indicators-{i}-unit": indicator.unit,
                f"indicators-{i}-baseline": indicator.baseline or "",
                f"indicators-{i}-target": indicator.target or "",
                f"indicators-{i}-current": indicator.current or "",
                f"indicators-{i}-source": indicator.source,
            }
        )
    data.update(changes)
    return data


def test_admin_indicator_change_bumps_the_action_version_with_history(client, editor, sofia_action):
    reached = factories.indicator(sofia_action, name="Companies reached", target=40)
    client.force_login(editor)
    response = client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action, **indicator_rows(reached, **{"indicators-0-current": "12"})
        ),
    )
    assert response.status_code == 302
    reached.refresh_from_db()
    assert reached.current == 12
    assert reached.history.latest("history_id").history_user == editor
    sofia_action.refresh_from_db()
    assert sofia_action.version == 2
    assert sofia_action.changed_by == editor
    latest = sofia_action.history.latest("history_id")
    assert (latest.history_user, reason_text(latest.history_change_reason)) == (
        editor,
        "indicators changed",
    )


def test_admin_indicator_delete_and_add_go_through_the_service_as_one_change(
    client, editor, sofia_action
):
    old = factories.indicator(sofia_action, name="Leaflets printed")
    client.force_login(editor)
    before = sofia_action.history.count()
    response = client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action,
            **indicator_rows(
                old,
                **{
                    "indicators-0-DELETE": "on",
                    "indicators-TOTAL_FORMS": 2,
                    "indicators-1-position": 0,
                    "indicators-1-name": "Companies reached",
                    "indicators-1-target": "40",
                },
            ),
        ),
    )
    assert response.status_code == 302
    assert [i.name for i in sofia_action.indicators.all()] == ["Companies reached"]
    sofia_action.refresh_from_db()
    assert sofia_action.version == 2
    assert sofia_action.history.count() == before + 1


def test_admin_indicators_keep_the_order_of_their_positions(client, editor, sofia_action):
    first = factories.indicator(sofia_action, name="First", position=0)
    second = factories.indicator(sofia_action, name="Second", position=1)
    client.force_login(editor)
    client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action,
            **indicator_rows(first, second, **{"indicators-0-position": 5}),
        ),
    )
    assert [i.name for i in sofia_action.indicators.all()] == ["Second", "First"]


def test_admin_save_with_unchanged_indicators_writes_none_of_them(client, editor, sofia_action):
    reached = factories.indicator(sofia_action, name="Companies reached", target=40)
    client.force_login(editor)
    records = reached.history.count()
    response = client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action, title="Sofia CSR week", **indicator_rows(reached)
        ),
    )
    assert response.status_code == 302
    sofia_action.refresh_from_db()
    assert (sofia_action.title, sofia_action.version) == ("Sofia CSR week", 2)
    assert reached.history.count() == records


def test_stale_admin_indicator_change_is_refused_and_changes_nothing(client, editor, sofia_action):
    reached = factories.indicator(sofia_action, name="Companies reached")
    client.force_login(editor)
    opened = factories.action_admin_form(
        sofia_action, **indicator_rows(reached, **{"indicators-0-current": "99"})
    )
    # Somebody else saves the row after the editor opened it.
    Action.objects.filter(pk=sofia_action.pk).update(version=2)

    response = client.post(change_url(sofia_action), opened)

    assert response.status_code == 200
    assert "Somebody else saved this action" in str(
        response.context["adminform"].form.non_field_errors()
    )
    reached.refresh_from_db()
    assert reached.current is None
    sofia_action.refresh_from_db()
    assert sofia_action.version == 2


def test_indicator_refused_by_the_service_rolls_back_the_row_change_too(
    client, editor, sofia_action, monkeypatch
):
    """The row's own save went through; the indicators' conflict undoes it."""

    def lose_the_race(*, action, indicators, by, expected_version):
        raise ActionConflict(current=Action(version=expected_version + 1), attempted={})

    monkeypatch.setattr(actions_admin, "action_indicators_update", lose_the_race)
    reached = factories.indicator(sofia_action, name="Companies reached")
    client.force_login(editor)
    response = client.post(
        change_url(sofia_action),
        factories.action_admin_form(
            sofia_action,
            title="Half written",
            **indicator_rows(reached, **{"indicators-0-name": "Changed"}),
        ),
    )
    assert response.status_code == 200
    assert "Somebody else saved this action" in str(
        response.context["adminform"].form.non_field_errors()
    )
    sofia_action.refresh_from_db()
    assert (sofia_action.title, sofia_action.version) == ("Sofia awareness campaign", 1)
    reached.refresh_from_db()
    assert reached.name == "Companies reached"


def test_indicator_admin_is_read_only_and_points_to_the_action(client, editor, sofia_action):
    reached = factories.indicator(sofia_action, name="Companies reached")
    client.force_login(editor)
    url = reverse("admin:actions_indicator_change", args=[reached.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert change_url(sofia_action) in response.content.decode()

    assert client.post(url, {"name": "Changed", "action": sofia_action.pk}).status_code == 403
    assert client.get(reverse("admin:actions_indicator_add")).status_code == 403
    delete = reverse("admin:actions_indicator_delete", args=[reached.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    reached.refresh_from_db()
    assert reached.name == "Companies reached"


def test_indicator_admin_writes_its_values_as_the_action_page_does(client, editor, sofia_action):
    """The read-only page and the list write "30", "да" and "—", not "30,00" or "0,00"."""
    from decimal import Decimal

    counted = factories.indicator(
        sofia_action, name="Companies reached", unit="брой", target=Decimal("30.00")
    )
    signed = factories.indicator(
        sofia_action, name="Memorandum", unit="да/не", baseline=Decimal(0), target=Decimal(1)
    )
    client.force_login(editor)
    client.cookies["django_language"] = "bg"

    page = client.get(reverse("admin:actions_indicator_change", args=[counted.pk]))
    readonly = [
        text.strip()
        for text in re.findall(r'<div class="readonly">(.*?)</div>', page.content.decode(), re.S)
    ]
    # where to edit, action, position, name, unit, baseline, target, current, source
    assert readonly[5:8] == ["—", "30", "—"]
    assert "0,00" not in page.content.decode() and "30,00" not in page.content.decode()

    page = client.get(reverse("admin:actions_indicator_change", args=[signed.pk]))
    readonly = re.findall(r'<div class="readonly">(.*?)</div>', page.content.decode(), re.S)
    assert [text.strip() for text in readonly[5:8]] == ["не", "да", "—"]

    listing = client.get(reverse("admin:actions_indicator_changelist")).content.decode()
    assert "30,00" not in listing and "0,00" not in listing
    assert '<td class="field-target_shown">30</td>' in listing


# --- History reverts -----------------------------------------------------------


def test_history_revert_of_an_indicator_is_refused(client, editor, sofia_action):
    reached = factories.indicator(sofia_action, name="Companies reached")
    record = reached.history.get()
    client.force_login(editor)
    url = reverse("admin:actions_indicator_simple_history", args=[reached.pk, record.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": sofia_action.pk, "name": "Reverted", "position": 0})
    assert response.status_code == 403
    reached.refresh_from_db()
    assert reached.name == "Companies reached"


def test_history_revert_of_a_roadmap_is_refused(client, editor, sofia_roadmap):
    record = sofia_roadmap.history.get()
    client.force_login(editor)
    url = reverse("admin:actions_roadmap_simple_history", args=[sofia_roadmap.pk, record.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"]
    response = client.post(
        url,
        {
            "city": sofia_roadmap.city_id,
            "title": "Reverted",
            "status": sofia_roadmap.status,
            "visibility": sofia_roadmap.visibility,
        },
    )
    assert response.status_code == 403
    sofia_roadmap.refresh_from_db()
    assert sofia_roadmap.title == "Sofia CSR roadmap"


# --- Challenges stay in their roadmap ---------------------------------------------


def test_challenge_cannot_be_moved_to_another_roadmap(client, editor, sofia, sofia_roadmap):
    challenge = factories.challenge(sofia_roadmap, title="Air quality")
    factories.action(sofia_roadmap, challenge=challenge)
    other = factories.roadmap(sofia, title="Sofia 2030")
    client.force_login(editor)
    url = reverse("admin:actions_challenge_change", args=[challenge.pk])
    page = client.get(url)
    assert "roadmap" not in page.context["adminform"].form.fields
    response = client.post(
        url,
        {
            "roadmap": other.pk,
            "position": challenge.position,
            "strand": challenge.strand,
            "title": "Air quality, moved",
            "description": "",
            "version": page.context["adminform"].form["version"].value(),
        },
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.title, challenge.roadmap) == ("Air quality, moved", sofia_roadmap)


def test_new_challenge_still_chooses_its_roadmap(client, editor, sofia_roadmap):
    client.force_login(editor)
    form = client.get(reverse("admin:actions_challenge_add")).context["adminform"].form
    assert list(form.fields["roadmap"].queryset) == [sofia_roadmap]


# --- Query count ------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_action_changelist_query_count_does_not_grow_with_rows(
    client, editor, sofia_roadmap, sofia_company, django_assert_num_queries, rows
):
    challenge = factories.challenge(sofia_roadmap)
    for n in range(rows):
        factories.action(
            sofia_roadmap,
            challenge=challenge,
            lead_partner=sofia_company,
            deadline=datetime.date(2022, 1, 1) + datetime.timedelta(days=n),
        )
    client.force_login(editor)
    forget_access(editor)
    # 1 session, 2 user, 3-4 model permissions (user's, groups'), 5 groups,
    # 6 city access, 7 person (these three for access_for), 8 roadmap filter
    # choices with their cities, 9 lead partner filter choices, 10 filtered
    # count, 11 total count, 12 the page of rows with roadmap, city, challenge
    # and lead partner joined, 13-14 date hierarchy (first and last deadline,
    # then the years or months that have one).
    with django_assert_num_queries(14):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("model", ["roadmap", "challenge", "action", "indicator"])
def test_network_admin_opens_every_actions_admin_page(client, network_admin, sofia_action, model):
    challenge = factories.challenge(sofia_action.roadmap)
    indicator = factories.indicator(sofia_action)
    obj = {
        "roadmap": sofia_action.roadmap,
        "challenge": challenge,
        "action": sofia_action,
        "indicator": indicator,
    }[model]
    client.force_login(network_admin)
    for url in (
        reverse(f"admin:actions_{model}_changelist"),
        reverse(f"admin:actions_{model}_changelist") + "?q=a",
        reverse(f"admin:actions_{model}_change", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url
    # Indicators are added in their action, not on their own.
    add = client.get(reverse(f"admin:actions_{model}_add")).status_code
    assert add == (403 if model == "indicator" else 200)


def test_action_change_form_carries_the_version_the_user_opened(client, editor, sofia_roadmap):
    row = factories.action(sofia_roadmap, version=7)
    client.force_login(editor)
    page = client.get(change_url(row)).content.decode()
    assert '<input type="hidden" name="version" value="7"' in page


def test_service_validation_error_on_add_becomes_form_error(client, editor, sofia, sofia_roadmap):
    """Only the service knows a challenge must belong to the row's roadmap."""
    other_roadmap = factories.roadmap(sofia, title="Sofia 2030")
    other_challenge = factories.challenge(other_roadmap, title="Not of this roadmap")
    client.force_login(editor)
    response = client.post(
        reverse("admin:actions_action_add"),
        factories.action_admin_form(
            Action(roadmap=sofia_roadmap, activity_type="event", title="Misfiled"),
            roadmap=sofia_roadmap.pk,
            challenge=other_challenge.pk,
            version="",
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["challenge"] == [
        "This challenge belongs to another roadmap."
    ]
    assert not Action.objects.filter(title="Misfiled").exists()
