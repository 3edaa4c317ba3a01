"""Following an action or a roadmap: the button, and the daily digest of what others
changed (status, progress, deadline, indicator values), never one's own changes."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Indicator
from actions.services import action_indicators_update, action_update
from notifications.follows import follow_digests_queue, follow_set, followed
from notifications.models import Follow
from notifications.reminders import reminders_send
from outbox import services as outbox
from outbox.models import Kind, Mail
from tests import factories

TODAY = datetime.date(2026, 3, 10)
YESTERDAY_NOON = timezone.make_aware(datetime.datetime(2026, 3, 9, 12, 0))


@pytest.fixture
def scene(sofia_roadmap, sofia_company, editor, moderator):
    """The editor follows; the moderator and the editor both change rows."""
    follower = factories.person(sofia_company, "Follower", consent_to_contact=True, user=editor)
    outbox.preference_update(person=follower, language="en")
    followed_action = factories.action(
        sofia_roadmap, title="Followed", deadline=datetime.date(2026, 6, 30)
    )
    other_action = factories.action(sofia_roadmap, title="Other row")
    indicator = factories.indicator(followed_action, name="Schools reached", current=Decimal(2))
    return follower, followed_action, other_action, indicator


def _change(action, by, **data):
    action.refresh_from_db()
    return action_update(action=action, data=data, by=by, expected_version=action.version)


def _at_yesterday_noon(when=YESTERDAY_NOON):
    """Put the clock of the history so far on fixed times: the rows added two days
    before ``when``, each change a second after the one before it from ``when`` on."""
    for model in (Action, Indicator):
        model.history.filter(history_type="+").update(
            history_date=when - datetime.timedelta(days=2)
        )
        changes = model.history.filter(history_type="~").order_by("history_id")
        for second, record in enumerate(changes):
            model.history.filter(history_id=record.history_id).update(
                history_date=when + datetime.timedelta(seconds=second)
            )


def test_the_digest_lists_others_changes_not_ones_own(scene, editor, moderator):
    follower, action, _other, indicator = scene
    follow_set(user=editor, action=action, on=True)
    _change(action, moderator, status=Action.Status.IN_PROGRESS, progress=40)
    _change(action, editor, deadline=datetime.date(2026, 9, 30))  # the follower's own
    action.refresh_from_db()
    action_indicators_update(
        action=action,
        indicators=[{"id": indicator.pk, "name": indicator.name, "current": Decimal(7)}],
        by=moderator,
        expected_version=action.version,
    )
    _at_yesterday_noon()

    assert follow_digests_queue(today=TODAY) == 1
    outbox.deliver()
    (message,) = mail.outbox
    assert message.to == [follower.email]
    assert "Followed" in message.body
    assert "status: proposed → in progress" in message.body
    assert "progress (%): 0 % → 40 %" in message.body
    assert "Schools reached: 2 → 7" in message.body
    assert "deadline" not in message.body  # the follower's own change
    assert f"https://csr.example.org{action.get_absolute_url()}" in message.body
    assert outbox.unsubscribe_url(follower, Kind.FOLLOW_DIGEST) in message.body


def test_only_ones_own_changes_send_nothing(scene, editor):
    _follower, action, _other, _indicator = scene
    follow_set(user=editor, action=action, on=True)
    _change(action, editor, progress=90)
    _at_yesterday_noon()
    assert follow_digests_queue(today=TODAY) == 0
    assert mail.outbox == []


def test_following_a_roadmap_covers_its_rows_and_a_second_run_sends_nothing(
    scene, editor, moderator, sofia_roadmap
):
    _follower, _action, other, _indicator = scene
    follow_set(user=editor, roadmap=sofia_roadmap, on=True)
    _change(other, moderator, progress=10)
    _at_yesterday_noon()
    assert follow_digests_queue(today=TODAY) == 1
    outbox.deliver()
    assert "Other row" in mail.outbox[0].body
    assert "Followed" not in mail.outbox[0].body  # unchanged rows are not listed
    assert follow_digests_queue(today=TODAY) == 0
    assert len(mail.outbox) == 1


def test_changes_of_another_day_are_not_in_this_digest(scene, editor, moderator):
    _follower, action, _other, _indicator = scene
    follow_set(user=editor, action=action, on=True)
    _change(action, moderator, progress=55)
    _at_yesterday_noon(YESTERDAY_NOON - datetime.timedelta(days=2))
    assert follow_digests_queue(today=TODAY) == 0


def test_no_follow_digest_without_consent_or_after_unsubscribing(scene, editor, moderator):
    follower, action, _other, _indicator = scene
    follow_set(user=editor, action=action, on=True)
    _change(action, moderator, progress=60)
    _at_yesterday_noon()
    outbox.unsubscribe(person=follower, kind=Kind.FOLLOW_DIGEST)
    assert follow_digests_queue(today=TODAY) == 0
    assert not Mail.objects.exists()


def test_send_reminders_sends_the_follow_digests(scene, editor, moderator):
    _follower, action, _other, _indicator = scene
    follow_set(user=editor, action=action, on=True)
    _change(action, moderator, progress=20)
    _at_yesterday_noon()
    result = reminders_send(now=timezone.make_aware(datetime.datetime(2026, 3, 10, 7, 0)))
    assert result.follow_digests == 1


# --- The buttons and the views ---------------------------------------------------


def test_a_partner_follows_from_the_action_page_and_stops(client, partner, sofia_roadmap):
    sofia_roadmap.visibility = "partners"
    sofia_roadmap.save()
    action = factories.action(sofia_roadmap, title="Row")
    client.force_login(partner)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Follow this action" in page

    url = reverse("notifications:follow_action", args=[action.pk])
    response = client.post(url, {"follow": "1", "next": action.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    assert followed(partner, action=action)
    assert "Stop following this action" in client.get(action.get_absolute_url()).content.decode()

    client.post(url, {"follow": "0"})
    assert not followed(partner, action=action)


def test_following_twice_keeps_one_follow(client, editor, sofia_roadmap):
    client.force_login(editor)
    url = reverse("notifications:follow_roadmap", args=[sofia_roadmap.pk])
    client.post(url, {"follow": "1"})
    client.post(url, {"follow": "1"})
    assert Follow.objects.filter(user=editor, roadmap=sofia_roadmap).count() == 1


def test_another_citys_roadmap_cannot_be_followed(client, other_editor, sofia_roadmap):
    client.force_login(other_editor)
    url = reverse("notifications:follow_roadmap", args=[sofia_roadmap.pk])
    assert client.post(url, {"follow": "1"}).status_code == 404
    assert not Follow.objects.exists()


def test_the_next_page_must_be_of_this_site(client, editor, sofia_roadmap):
    client.force_login(editor)
    url = reverse("notifications:follow_roadmap", args=[sofia_roadmap.pk])
    response = client.post(url, {"follow": "1", "next": "https://evil.example.com/"})
    assert response["Location"] == sofia_roadmap.get_absolute_url()
