"""Following: a user follows an action or a roadmap and gets a daily digest of what
others changed there (status, progress, deadline, indicator values, pledges and
deliveries), read from the history that every write keeps (django-simple-history)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import Action, Indicator, Roadmap
from actions.models.indicators import format_number
from core import permissions
from outbox.models import Kind
from outbox.services import mail_queue, recipients, site_url
from stakeholders.models import Person

from .models import Follow
from .pledges import pledge_changes

# The action's fields whose changes a follower is told of.
ACTION_FIELDS = ("status", "progress", "deadline")


def follow_set(
    *, user, action: Action | None = None, roadmap: Roadmap | None = None, on: bool
) -> bool:
    """Follow (``on``) or stop following an action or a roadmap the user may see."""
    target_roadmap = action.roadmap if action is not None else roadmap
    if target_roadmap is None or not permissions.can_view_roadmap(user, target_roadmap):
        raise PermissionDenied(_("You may not follow this."))
    which = {"action": action} if action is not None else {"roadmap": roadmap}
    if not on:
        Follow.objects.filter(user=user, **which).delete()
        return False
    try:
        with transaction.atomic():
            Follow.objects.get_or_create(user=user, **which)
    except IntegrityError:
        pass  # followed at the same moment in another request
    return True


def followed(user, *, action: Action | None = None, roadmap: Roadmap | None = None) -> bool:
    if not user.is_authenticated:
        return False
    which = {"action": action} if action is not None else {"roadmap": roadmap}
    return Follow.objects.filter(user=user, **which).exists()


def _display(field: str, value):
    if field == "status" and value:
        return Action.Status(value).label
    if field == "progress" and value is not None:
        return f"{value} %"
    return value


def _changes(since: datetime.datetime, until: datetime.datetime, action_ids) -> dict[int, list]:
    """The changes per action in [since, until): (author id, change) in time order."""
    found: dict[int, list] = defaultdict(list)
    records = Action.history.filter(
        history_date__gte=since, history_date__lt=until, id__in=action_ids
    ).order_by("history_date", "history_id")
    for record in records:
        if record.history_type == "+":
            change = {"field": gettext_lazy("added to the Action Table"), "old": "", "new": ""}
            found[record.id].append((record.history_user_id, change))
            continue
        previous = record.prev_record
        if previous is None:
            continue
        for change in record.diff_against(previous, included_fields=ACTION_FIELDS).changes:
            found[record.id].append(
                (
                    record.history_user_id,
                    {
                        "field": Action._meta.get_field(change.field).verbose_name,
                        "old": _display(change.field, change.old),
                        "new": _display(change.field, change.new),
                    },
                )
            )
    indicators = Indicator.history.filter(
        history_date__gte=since, history_date__lt=until, action_id__in=action_ids
    ).order_by("history_date", "history_id")
    for record in indicators:
        previous = record.prev_record if record.history_type == "~" else None
        old = previous.current if previous is not None else None
        new = record.current if record.history_type != "-" else None
        if old == new:
            continue
        found[record.action_id].append(
            (
                record.history_user_id,
                {"field": record.name, "old": format_number(old), "new": format_number(new)},
            )
        )
    # Pledges and deliveries come after the row's own changes, in time order.
    for action_id, author, change in pledge_changes(since, until, action_ids):
        found[action_id].append((author, change))
    return found


def follow_digests_queue(*, today: datetime.date) -> int:
    """Queue each follower's digest of yesterday's changes by others; 0 on a second run."""
    day = today - datetime.timedelta(days=1)
    since = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    until = since + datetime.timedelta(days=1)
    follows = list(Follow.objects.select_related("user"))
    if not follows:
        return 0
    users = {follow.user_id: follow.user for follow in follows}
    people = {
        person.user_id: person
        for person in recipients(
            Person.objects.filter(user_id__in=users, user__is_active=True).select_related(
                "organisation__city", "mail_preference"
            ),
            Kind.FOLLOW_DIGEST,
        )
    }
    followed_actions: dict[int, set[int]] = defaultdict(set)
    roadmap_followers: dict[int, set[int]] = defaultdict(set)
    for follow in follows:
        if follow.user_id not in people:
            continue
        if follow.action_id:
            followed_actions[follow.user_id].add(follow.action_id)
        else:
            roadmap_followers[follow.roadmap_id].add(follow.user_id)
    if roadmap_followers:
        # Actions of followed roadmaps, removed ones too (from their history).
        for action_id, roadmap_id in (
            Action.history.filter(roadmap_id__in=roadmap_followers)
            .values_list("id", "roadmap_id")
            .distinct()
        ):
            for user_id in roadmap_followers[roadmap_id]:
                followed_actions[user_id].add(action_id)
    every_action = set().union(*followed_actions.values()) if followed_actions else set()
    changes = _changes(since, until, every_action)
    queued = 0
    for user_id, action_ids in followed_actions.items():
        user = users[user_id]
        # Only what the follower may still see (a roadmap made private drops out).
        visible = (
            Action.objects.visible_to(user)
            .filter(pk__in=[pk for pk in action_ids if pk in changes])
            .select_related("roadmap")
            .order_by("roadmap_id", "position", "pk")
        )
        items = []
        for action in visible:
            theirs = [change for author, change in changes[action.pk] if author != user_id]
            if theirs:
                items.append(
                    {
                        "text": f"{action.title} ({action.roadmap.title})",
                        "changes": theirs,
                        "url": site_url(action.get_absolute_url()),
                    }
                )
        if not items:
            continue
        queued += bool(
            mail_queue(
                kind=Kind.FOLLOW_DIGEST,
                event=f"follow-{day.isoformat()}",
                person=people[user_id],
                template="email/digest",
                context={
                    "date": day,
                    "subject": "",
                    "intro": gettext_lazy("What others changed yesterday in what you follow:"),
                    "sections": [{"key": "followed", "items": items}],
                },
            )
        )
    return queued
