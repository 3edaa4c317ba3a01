"""The roadmaps list and a roadmap's Action Table."""

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cities4csr import permissions

from ..filters import ActionFilter
from ..models import Action, Roadmap
from .common import get_roadmap_for_user


def roadmap_list(request):
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .select_related("city")
        .annotate(action_count=Count("actions"))
        .order_by("city__name", "-period_start", "title")
    )
    return render(request, "actions/roadmap_list.html", {"roadmaps": roadmaps})


class ChallengeGroup:
    """The rows of one challenge, in table order."""

    def __init__(self, challenge, rows):
        self.challenge = challenge
        self.rows = rows


def group_by_challenge(challenges, rows) -> list[ChallengeGroup]:
    by_challenge: dict[int | None, list[Action]] = {}
    for row in rows:
        by_challenge.setdefault(row.challenge_id, []).append(row)
    groups = [ChallengeGroup(c, by_challenge.get(c.pk, [])) for c in challenges]
    if None in by_challenge:
        groups.append(ChallengeGroup(None, by_challenge[None]))
    return groups


def table_context(request, roadmap) -> dict:
    """What the Action Table page shows; a fixed number of queries at any size."""
    access = permissions.access_for(request.user)
    filterset = ActionFilter(
        request.GET or None,
        queryset=roadmap.actions.for_table(),
        roadmap=roadmap,
        organisation_id=access.organisation_id,
    )
    rows = list(filterset.qs)
    all_rows = rows if not filterset.is_bound else list(roadmap.actions.for_table())
    challenges = list(roadmap.challenges.all())
    complete = sum(1 for row in all_rows if row.is_measurable())
    return {
        "roadmap": roadmap,
        "filter": filterset,
        "rows": rows,
        "groups": None if filterset.is_sorted else group_by_challenge(challenges, rows),
        "challenges": challenges,
        "can_edit": permissions.can_edit_roadmap(request.user, roadmap),
        "today": timezone.localdate(),
        "total": len(all_rows),
        "complete": complete,
        "shown": len(rows),
        "status_counts": _status_counts(all_rows),
    }


def _status_counts(rows):
    counts = dict.fromkeys(Action.Status.values, 0)
    for row in rows:
        counts[row.status] += 1
    return [(label, counts[value]) for value, label in Action.Status.choices]


def roadmap(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    context = table_context(request, roadmap)
    context["page_title"] = _("Action Table")
    return render(request, "actions/roadmap.html", context)
