"""One action's page: its fields, indicators, meetings and readable history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from meetings.models import Contribution
from tests import factories


@pytest.fixture
def row(sofia_roadmap, sofia_company):
    return factories.action(
        sofia_roadmap, title="Volunteering platform", lead_partner=sofia_company
    )


def test_history_shows_who_changed_what(client, editor, row, sofia):
    other = factories.organisation(sofia, "Green NGO")
    services.action_update(
        action=row,
        data={
            "title": "Corporate volunteering platform",
            "key_partners": [other],
            "status": "agreed",
        },
        by=editor,
        expected_version=1,
    )
    client.force_login(editor)
    response = client.get(reverse("actions:action", args=[row.pk]))
    assert response.status_code == 200
    latest = response.context["history"][0]
    assert latest.user == "editor"
    changes = {c.label: (c.old, c.new) for c in latest.changes}
    assert changes["title"] == ("Volunteering platform", "Corporate volunteering platform")
    assert changes["key partners"] == ("—", "Green NGO")
    assert changes["status"] == ("proposed", "agreed")


def _changed_by(user, row):
    services.action_update(action=row, data={"progress": 40}, by=user, expected_version=1)


def test_staff_read_the_full_name_of_who_changed_the_action(client, editor, row):
    editor.first_name, editor.last_name = "Elena", "Petrova"
    editor.save()
    _changed_by(editor, row)
    client.force_login(editor)
    response = client.get(reverse("actions:action", args=[row.pk]))
    assert response.context["history"][0].user == "Elena Petrova"


def test_partner_reads_a_member_of_staff_not_a_login_name(
    client, editor, partner, row, sofia_roadmap
):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    editor.first_name, editor.last_name = "Elena", "Petrova"
    editor.save()
    _changed_by(editor, row)
    client.force_login(partner)
    response = client.get(reverse("actions:action", args=[row.pk]))
    assert response.status_code == 200
    history = response.context["history"]
    assert history[0].user == "a member of staff"
    assert {entry.user for entry in history} <= {"a member of staff", "—"}
    html = response.content.decode()
    shown = html[html.index('class="list-unstyled history"') :]
    assert "editor" not in shown and "Petrova" not in shown


def test_anonymous_reader_of_a_public_roadmap_reads_no_login_name(
    client, editor, row, sofia_roadmap
):
    sofia_roadmap.visibility = "public"
    sofia_roadmap.save()
    _changed_by(editor, row)
    response = client.get(reverse("actions:action", args=[row.pk]))
    assert response.status_code == 200
    assert response.context["history"][0].user == "a member of staff"


def test_detail_lists_the_meetings_the_action_came_from(client, editor, row, sofia_roadmap):
    meeting = factories.meeting(
        sofia_roadmap, title="Third working-group meeting", start=timezone.now()
    )
    Contribution.objects.create(
        meeting=meeting, text="Build a volunteering platform", action=row, outcome="accepted"
    )
    client.force_login(editor)
    html = client.get(reverse("actions:action", args=[row.pk])).content.decode()
    assert "Third working-group meeting" in html
    assert "Build a volunteering platform" in html


def test_detail_names_who_spoke_in_a_meeting_only_to_staff(
    client, editor, partner, row, sofia_roadmap, sofia_company
):
    meeting = factories.meeting(sofia_roadmap, title="Kick-off", start=timezone.now())
    speaker = factories.person(sofia_company, name="Maria Ivanova")
    Contribution.objects.create(meeting=meeting, text="Spoken", action=row, author=speaker)
    Contribution.objects.create(
        meeting=meeting, text="Proposed", produced_action=row, outcome="accepted"
    )
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    url = reverse("actions:action", args=[row.pk])
    client.force_login(editor)
    html = client.get(url).content.decode()
    assert "(Maria Ivanova (Demo Company Ltd))" in html
    assert "Proposed" in html and "this proposal made or changed the row" in html
    client.force_login(partner)
    html = client.get(url).content.decode()
    assert "Spoken" in html and "Maria Ivanova" not in html


def test_detail_per_role(
    client, row, sofia_roadmap, editor, other_editor, partner, moderator, network_admin
):
    url = reverse("actions:action", args=[row.pk])
    for user, status in [
        (editor, 200),
        (moderator, 200),
        (network_admin, 200),
        (other_editor, 404),
        (partner, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    client.force_login(partner)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # Their organisation leads it: they update its progress (issue 16), and edit nothing else.
    assert reverse("actions:action_edit", args=[row.pk]) in html
    assert reverse("actions:action_delete", args=[row.pk]) not in html
    assert reverse("actions:action_indicators", args=[row.pk]) not in html
    client.logout()
    assert client.get(url).status_code == 302


def test_timeline_marks_overdue_actions(client, editor, sofia_roadmap):
    today = timezone.localdate()
    factories.action(
        sofia_roadmap,
        title="Late",
        start_date=today.replace(day=1) - timezone.timedelta(days=90),
        deadline=today - timezone.timedelta(days=5),
    )
    factories.action(
        sofia_roadmap,
        title="On time",
        start_date=today,
        deadline=today + timezone.timedelta(days=60),
    )
    factories.action(sofia_roadmap, title="Undated")
    client.force_login(editor)
    response = client.get(reverse("actions:timeline", args=[sofia_roadmap.pk]))
    assert response.status_code == 200
    bars = {bar.title: bar for bar in response.context["bars"]}
    assert bars["Late"].overdue and not bars["On time"].overdue
    assert bars["Undated"].x is None
    assert bars["On time"].x > bars["Late"].x
    assert "<svg" in response.content.decode()


def test_timeline_per_role(client, sofia_roadmap, editor, other_editor, partner):
    url = reverse("actions:timeline", args=[sofia_roadmap.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 200
    client.force_login(other_editor)
    assert client.get(url).status_code == 404
    client.force_login(partner)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
