"""person_export writes all data held about a person; person_erase anonymises them and
keeps every row of the Action Table, the meetings and the history (issue 6, 19)."""

from __future__ import annotations

import importlib
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions import services
from actions.models import Action
from meetings.models import Contribution
from stakeholders.models import Person


def _export(person_id: int) -> dict:
    out = io.StringIO()
    call_command("person_export", str(person_id), stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def maria(demo_data):
    """The demo moderator: a person with a user account, memberships, meetings, next steps."""
    person = Person.objects.get(user__username="moderator")
    # An edit by her account, so that the history names her as its author.
    action = Action.objects.filter(roadmap__city__name="Sofia").first()
    services.action_update(
        action=action,
        data={"progress": (action.progress + 10) % 100},
        by=person.user,
        expected_version=action.version,
    )
    return person


@pytest.fixture
def author(demo_data):
    """A demo person who made contributions in the meetings."""
    return Person.objects.filter(contributions__isnull=False).distinct().first()


def _row_counts() -> dict[str, int]:
    """Rows of every model of the three apps, their history included.

    Not CityAccess: the rights of the deactivated account are taken away.
    """
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("actions", "meetings", "stakeholders")
        and model._meta.model_name != "cityaccess"
    }


def test_export_holds_the_person_their_organisation_and_memberships(maria):
    data = _export(maria.pk)
    assert data["person"]["name"] == maria.name
    assert data["person"]["email"] == maria.email
    assert data["person"]["phone"] == maria.phone
    assert data["person"]["consent_to_contact"] is True
    assert data["person"]["consent_recorded_at"]
    assert data["organisation"]["name"] == maria.organisation.name
    assert [row["pk"] for row in data["memberships"]] == list(
        maria.memberships.order_by("pk").values_list("pk", flat=True)
    )


def test_export_holds_the_user_account_its_groups_and_last_login(maria, client):
    client.force_login(maria.user)
    data = _export(maria.pk)
    assert data["user"]["username"] == "moderator"
    assert data["user"]["groups"] == ["moderator"]
    assert data["user"]["last_login"]


def test_export_holds_attendances_next_steps_and_history_by_their_account(maria):
    data = _export(maria.pk)
    assert len(data["attendances"]) == maria.attendances.count() > 0
    assert len(data["next_steps"]) == maria.next_steps.count() > 0
    by_her = [row for row in data["history"] if row["via"] == "history_user"]
    assert by_her, "the action she changed is in the history part"
    assert {row["model"] for row in by_her} >= {"actions.HistoricalAction"}


def test_export_holds_contributions_authored(author):
    data = _export(author.pk)
    assert [row["pk"] for row in data["contributions"]] == list(
        author.contributions.order_by("pk").values_list("pk", flat=True)
    )
    assert data["contributions"][0]["fields"]["text"]


def test_export_writes_a_file(maria, tmp_path):
    target = tmp_path / "person.json"
    call_command("person_export", str(maria.pk), "-o", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8"))["person"]["id"] == maria.pk


def test_export_of_an_unknown_person_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("person_export", "999999")


def test_erase_anonymises_the_person_and_their_account(maria, client):
    user_pk = maria.user_id
    call_command("person_erase", str(maria.pk), "--yes", stdout=io.StringIO())
    maria.refresh_from_db()
    assert maria.name == f"Erased person #{maria.pk}"
    assert (maria.email, maria.phone, maria.position) == ("", "", "")
    assert maria.consent_to_contact is False
    assert maria.consent_recorded_at is None
    assert maria.user_id == user_pk
    user = User.objects.get(pk=user_pk)
    assert not user.is_active
    assert user.username == f"erased-{user_pk}"
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert not user.city_accesses.exists()
    response = client.post(reverse("login"), {"username": "moderator", "password": "demo"})
    assert response.status_code == 200  # the form again, with an error: no such login
    assert "_auth_user_id" not in client.session


def test_erase_keeps_every_action_meeting_contribution_and_history_row(maria, author):
    before = _row_counts()
    attendances = list(maria.attendances.values_list("pk", flat=True))
    contributions = list(author.contributions.values_list("pk", flat=True))
    history_by_her = Action.history.filter(history_user=maria.user).count()
    call_command("person_erase", str(maria.pk), "--noinput", stdout=io.StringIO())
    call_command("person_erase", str(author.pk), "--yes", stdout=io.StringIO())

    assert _row_counts() == before
    assert list(maria.attendances.values_list("pk", flat=True)) == attendances
    assert list(author.contributions.values_list("pk", flat=True)) == contributions
    assert Action.history.filter(history_user=maria.user).count() == history_by_her > 0
    assert all(c.text for c in Contribution.objects.filter(pk__in=contributions))


def test_pages_still_read_after_erasure(maria, author, client):
    call_command("person_erase", str(maria.pk), "--yes", stdout=io.StringIO())
    call_command("person_erase", str(author.pk), "--yes", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin"))
    action = Action.history.filter(history_user=maria.user).first().instance
    page = client.get(reverse("actions:action", args=[action.pk]))
    assert page.status_code == 200
    meeting = author.contributions.first().meeting
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert f"Erased person #{author.pk}" in page.content.decode()


def test_erase_asks_first_and_changes_nothing_without_a_yes(maria, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError):
        call_command("person_erase", str(maria.pk), stdout=io.StringIO())
    maria.refresh_from_db()
    assert maria.email and maria.user.is_active


def test_erase_goes_ahead_when_confirmed(maria, monkeypatch):
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "yes")
    call_command("person_erase", str(maria.pk), stdout=io.StringIO())
    assert "moderator" in questions[0]
    maria.refresh_from_db()
    assert maria.name.startswith("Erased person")


def test_export_after_erasure_holds_no_contact_details(maria):
    email, phone = maria.email, maria.phone
    call_command("person_erase", str(maria.pk), "--yes", stdout=io.StringIO())
    text = json.dumps(_export(maria.pk), ensure_ascii=False)
    assert email not in text
    assert phone not in text


def test_erase_question_says_who_what_changes_what_stays_and_how_to_confirm(maria, monkeypatch):
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("person_erase", str(maria.pk), stdout=io.StringIO())
    (question,) = questions
    assert f"Person #{maria.pk}: {maria}" in question
    assert maria.email in question
    assert "User account: moderator (it will be deactivated)" in question
    assert f"Their name becomes “Erased person #{maria.pk}”" in question
    assert "keep every row" in question
    assert "cannot be undone" in question
    assert question.endswith("Type “yes” to anonymise this person, anything else to stop: ")


def test_erase_accepts_yes_in_the_prompts_language(maria, monkeypatch):
    from stakeholders.management.commands import person_erase

    monkeypatch.setattr(person_erase, "pgettext", lambda context, word: "да")
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or " Да ")
    call_command("person_erase", str(maria.pk), stdout=io.StringIO())
    assert "Type “да”" in questions[0]
    maria.refresh_from_db()
    assert maria.name.startswith("Erased person")


@pytest.mark.parametrize("command", ["person_erase", "person_export"])
def test_person_commands_say_everything_through_gettext(maria, monkeypatch, tmp_path, command):
    """Each line a person reads is a translatable message (marked here ⟦…⟧)."""
    module = importlib.import_module(f"stakeholders.management.commands.{command}")
    monkeypatch.setattr(module, "_", lambda text: f"⟦{text}⟧")
    if command == "person_erase":
        monkeypatch.setattr(module, "pgettext", lambda context, text: f"⟦{text}⟧")
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "yes")
    out, err = io.StringIO(), io.StringIO()
    extra = ["-o", str(tmp_path / "maria.json")] if command == "person_export" else []
    call_command(command, str(maria.pk), *extra, stdout=out, stderr=err)
    with pytest.raises(CommandError, match=r"^⟦"):
        call_command(command, "999999", stdout=io.StringIO())
    said = [*"".join(questions).splitlines(), *out.getvalue().splitlines()]
    said += err.getvalue().splitlines()
    assert said
    for line in said:
        assert re.sub(r"\x1b\[[0-9;]*m", "", line).strip().startswith("⟦"), line
