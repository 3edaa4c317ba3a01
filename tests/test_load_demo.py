"""``manage.py load_demo``: the CITIES4CSR network, Sofia's Action Table and its
meeting of 16.09.2021, demo users only with DEBUG on, and nothing changes on a
second run."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from actions.models import Action, Roadmap
from actions.services import action_update
from cities4csr import demo
from core import permissions
from meetings.models import Contribution, Meeting
from stakeholders.models import City, Membership, Organisation

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
DEMO_USERNAMES = {"editor", "moderator", "partner", "editor-vratsa", "admin"}


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db, settings):
    settings.DEBUG = True
    load_demo()


def sofia_roadmap() -> Roadmap:
    return Roadmap.objects.get(city__name="Sofia")


def snapshot() -> dict:
    """Row counts of every table (history and many-to-many included) and the
    version and change time of every action and roadmap."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }
    return {
        "counts": counts,
        "actions": dict(Action.objects.values_list("pk", "version")),
        "action_changes": dict(Action.objects.values_list("pk", "changed_at")),
        "roadmap_changes": dict(Roadmap.objects.values_list("pk", "changed_at")),
        "passwords": dict(User.objects.values_list("username", "password")),
    }


def test_loads_the_ten_cities_with_milan_as_only_lead_partner(loaded):
    cities = {city.name: city for city in City.objects.all()}
    assert set(cities) == {
        "Milan", "Sofia", "Vratsa", "Kekava", "Rijeka", "Guimaraes",
        "Molina de Segura", "Budaors", "Bratislava", "Nantes",
    }  # fmt: skip
    assert [c.name for c in cities.values() if c.is_lead_partner] == ["Milan"]
    assert cities["Sofia"].local_name == "София"
    assert cities["Sofia"].language == "bg"
    assert cities["Nantes"].country == "FR"
    assert cities["Budaors"].local_name == "Budaörs"


def test_one_of_vratsas_organisations_sits_in_sofias_working_group_too(loaded):
    """The shared organisation (issue 14): Vratsa's, read-only to Sofia's staff."""
    shared = Organisation.objects.get(name="Северозападна енергия АД (демо)")
    assert shared.city.name == "Vratsa"
    groups = Membership.objects.filter(organisation=shared, person__isnull=True)
    assert set(groups.values_list("city__name", flat=True)) == {"Sofia", "Vratsa"}
    sofia_moderator = User.objects.get(username="moderator")
    visible = Organisation.objects.filter(permissions.organisation_filter(sofia_moderator))
    changeable = Organisation.objects.filter(permissions.own_organisation_filter(sofia_moderator))
    assert visible.filter(pk=shared.pk).exists()
    assert not changeable.filter(pk=shared.pk).exists()


def test_sofia_working_group_has_the_real_partners_and_marks_the_invented_ones(loaded):
    members = Membership.objects.filter(city__name="Sofia", person__isnull=True)
    kinds = dict(members.values_list("organisation__name", "organisation__kind"))
    assert kinds["Столична община"] == Organisation.Kind.MUNICIPALITY
    assert kinds["Българска търговско-промишлена палата"] == Organisation.Kind.CHAMBER
    assert members.get(organisation__name="Денкщат България").role == (Membership.Role.COORDINATOR)
    companies = Organisation.objects.filter(city__name="Sofia", kind=Organisation.Kind.COMPANY)
    assert companies.count() >= 3
    for organisation in companies:
        assert organisation.name.endswith("(демо)")
        assert "Demo organisation" in organisation.notes


def test_sofia_action_table_is_bulgarian_and_mostly_measurable(loaded):
    roadmap = sofia_roadmap()
    assert roadmap.visibility == Roadmap.Visibility.PARTNERS
    assert set(roadmap.challenges.values_list("strand", flat=True)) == {
        "economic",
        "social",
        "environmental",
    }
    actions = list(roadmap.actions.for_table())
    assert len(actions) >= 12
    for action in actions:
        assert CYRILLIC.search(action.title), action.title
        assert action.lead_partner not in action.key_partners.all(), action.title
    measurable = [action for action in actions if action.is_measurable()]
    assert len(measurable) > len(actions) * 3 / 4
    # A few rows are left incomplete on purpose, to show what the table flags.
    assert len(measurable) < len(actions)


def test_dashboard_has_overdue_and_due_soon_actions(loaded):
    actions = sofia_roadmap().actions.all()
    assert actions.overdue().count() >= 2
    assert actions.due_soon().count() >= 1
    assert actions.filter(status=Action.Status.DONE).exists()


def test_actions_are_written_with_history(loaded):
    admin = User.objects.get(username="admin")
    for action in Action.objects.all():
        records = list(action.history.all())
        assert [record.history_type for record in records] == ["+"]
        assert records[0].history_user == admin
        assert action.version == 1


def test_meeting_of_16_september_2021(loaded):
    meetings = Meeting.objects.filter(roadmap=sofia_roadmap()).order_by("number")
    assert [m.number for m in meetings] == [1, 2, 3]
    assert all(m.start.year == 2021 and m.format == Meeting.Format.ONLINE for m in meetings)
    meeting = meetings.get(number=3)
    start = meeting.start.astimezone(ZoneInfo("Europe/Sofia"))
    assert start.date() == datetime.date(2021, 9, 16)
    assert start.hour == 10
    assert meeting.phase == "Фаза 2"
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    assert meeting.moderator.organisation.name == "Денкщат България"
    assert CYRILLIC.search(meeting.summary)

    agenda = " ".join(meeting.agenda_items.values_list("title", flat=True))
    assert "предишните две работни събития" in agenda
    for column in ("вид дейност", "очаквани резултати", "необходими ресурси", "водещ партньор",
                   "ключови партньори", "срок"):  # fmt: skip
        assert column in agenda

    attended = meeting.attendances.filter(attended=True)
    kinds = set(attended.values_list("person__organisation__kind", flat=True))
    assert {"municipality", "chamber", "company", "ngo"} <= kinds
    assert meeting.attendances.filter(invited=True, attended=False).exists()

    contributions = meeting.contributions.all()
    outcomes = set(contributions.values_list("outcome", flat=True))
    assert {"accepted", "merged", "deferred", "rejected", "noted"} <= outcomes
    for contribution in contributions:
        assert contribution.discussion_summary
        if contribution.outcome in (Contribution.Outcome.ACCEPTED, Contribution.Outcome.MERGED):
            assert contribution.action.roadmap == meeting.roadmap

    steps = meeting.next_steps.all()
    assert steps.count() >= 3
    assert all(s.responsible_organisation and s.due_date for s in steps)
    assert {True, False} == set(steps.values_list("done", flat=True))


def test_running_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    load_demo()
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    tallies = re.findall(r"\((\d+) new, (\d+) changed\)", output)
    assert len(tallies) == len(demo.SUMMARY_MODELS)
    assert set(tallies) == {("0", "0")}


def test_rerun_restores_a_changed_demo_row_through_the_history(loaded):
    action = sofia_roadmap().actions.get(title="Платформа за корпоративно доброволчество")
    editor = User.objects.get(username="editor")
    action_update(action=action, data={"progress": 90}, by=editor, expected_version=1)

    load_demo()

    action.refresh_from_db()
    assert action.progress == 70
    assert action.version == 3
    assert action.history.first().history_change_reason == demo.HISTORY_REASON


def test_deadlines_that_follow_the_date_move_on_the_next_day(db):
    today = datetime.date(2026, 3, 2)
    demo.load(today=today)
    demo.load(today=today + datetime.timedelta(days=1))

    moved = Action.objects.filter(version=2)
    assert moved.exists()
    assert not moved.filter(deadline__year=2022).exists()
    assert Action.objects.filter(version=1).exists()


def test_without_debug_no_demo_users_are_created_and_it_says_why(db, settings):
    settings.DEBUG = False

    output = load_demo()

    assert not User.objects.exists()
    assert "Refusing to create the demo users" in output
    assert "DEBUG is off" in output
    # The data itself is loaded all the same.
    assert sofia_roadmap().actions.count() >= 12
    assert not Action.history.exclude(history_user=None).exists()


def test_without_debug_it_warns_about_demo_users_left_from_earlier(loaded, settings):
    settings.DEBUG = False

    output = load_demo()

    assert "Demo users from an earlier run still exist" in output
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 5


def test_with_debug_the_demo_users_have_their_roles_and_cities(loaded):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert set(users) == DEMO_USERNAMES
    for user in users.values():
        assert user.check_password("demo")
    groups = {name: set(u.groups.values_list("name", flat=True)) for name, u in users.items()}
    assert groups == {
        "editor": {"editor"},
        "moderator": {"moderator"},
        "partner": {"partner"},
        "editor-vratsa": {"editor"},
        "admin": {"network admin"},
    }
    cities = {
        name: set(u.city_accesses.values_list("city__name", flat=True)) for name, u in users.items()
    }
    assert cities == {
        "editor": {"Sofia"},
        "moderator": {"Sofia"},
        "partner": set(),
        "editor-vratsa": {"Vratsa"},
        "admin": set(),
    }
    assert [u.username for u in users.values() if not u.is_staff] == ["partner"]
    assert [u.username for u in users.values() if u.is_superuser] == ["admin"]
    assert users["editor"].person.organisation.name == "Столична община"
    assert users["partner"].person.organisation.kind == Organisation.Kind.COMPANY


def test_demo_users_see_and_edit_what_their_role_allows(loaded):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    sofia = sofia_roadmap()
    vratsa = Roadmap.objects.get(city__name="Vratsa")
    assert vratsa.visibility == Roadmap.Visibility.PRIVATE

    editor = users["editor"]
    assert permissions.access_for(editor).staff_city_ids == {sofia.city_id}
    assert permissions.can_edit_roadmap(editor, sofia)
    assert not permissions.can_edit_roadmap(editor, vratsa)
    assert not permissions.can_view_roadmap(editor, vratsa)

    other = users["editor-vratsa"]
    assert permissions.can_edit_roadmap(other, vratsa)
    assert not permissions.can_edit_roadmap(other, sofia)

    moderator = users["moderator"]
    assert permissions.can_manage_meetings(moderator, sofia.city_id)
    assert not permissions.can_manage_meetings(editor, sofia.city_id)

    partner = users["partner"]
    assert permissions.access_for(partner).partner_city_ids == {sofia.city_id}
    assert list(Roadmap.objects.visible_to(partner)) == [sofia]
    assert not permissions.can_edit_roadmap(partner, sofia)
    assert not permissions.can_see_people(partner, sofia.city_id)

    admin = users["admin"]
    assert permissions.access_for(admin).is_network_admin
    assert permissions.can_edit_roadmap(admin, vratsa)


def test_accepted_demo_proposals_already_produced_their_rows(db):
    call_command("load_demo", stdout=io.StringIO())
    accepted = Contribution.objects.filter(
        kind=Contribution.Kind.PROPOSAL,
        outcome__in=[Contribution.Outcome.ACCEPTED, Contribution.Outcome.MERGED],
        action__isnull=False,
    )
    assert accepted.exists()
    for contribution in accepted:
        assert contribution.produced_action_id == contribution.action_id
