"""The roadmaps list and a roadmap's Action Table."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import permissions

from ..filters import ActionFilter
from ..models import Action, Roadmap
from .common import get_roadmap_for_user


@require_safe
def roadmap_list(request):
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .select_related("city")
        .annotate(action_count=Count("actions"))
        .order_by("city__name", "-period_start", "title")
    )
    return render(request, "actions/roadmap_list.html", {"roadmaps": roadmaps})


# Fields of an action that no column shows: not reading them takes an eighth off
# the actions' query (SQLite's date-times, in particular, come back as text to parse).
_NOT_IN_THE_TABLE = (
    "description",
    "in_kind",
    "created_at",
    "created_by",
    "changed_at",
    "changed_by",
)


def table_actions(actions: QuerySet[Action]) -> QuerySet[Action]:
    """``actions`` with what their rows show: the lead partner joined, the indicators
    prefetched (the measurable check reads them). The key partners come apart, as
    names (``TableRows.rows``). Not ``for_table()``, which also joins each action's
    challenge, roadmap and city and makes an organisation object per key partner:
    prefetched, they were a third of reading the rows."""
    return (
        actions.select_related("lead_partner")
        .defer(*_NOT_IN_THE_TABLE)
        .prefetch_related("indicators")
    )


class TableRows:
    """Reads actions as the row partial (templates/actions/_action_row.html) shows
    them: model instances from ``table_actions``, each given, from what is worked
    out once per request, what would otherwise cost a template tag in every row:
    its four URLs, its choice labels and its Edit/Remove labels. The words every
    row repeats come as ``words``. Dates, numbers, indicators, overdue and the
    measurable check stay with the template (``|date``, ``|localize``) and the model.

    Why not ``{% url %}``, ``{% translate %}`` and ``get_status_display`` in each
    row: at 200 rows the page then took 1.5 x the work it takes with this (1,128 M
    instructions a request against 739 M; the admin changelist of the same rows
    1,075 M) and missed its goal (bench ``table_vs_admin`` <= 0.5; 0.75-0.82
    measured). Django reverses a URL in about the time it renders a row's cells,
    and ``get_FOO_display`` translates all of the field's choices again at each call.
    """

    # A primary key no row has: reversed once, then replaced by each row's.
    _MARKER = "2147483647"

    def __init__(self):
        self.words = {
            "now": _("now"),
            "overdue": _("overdue"),
            "progress": _("Progress"),
            "incomplete": _("incomplete"),
            "missing": _("Missing:"),
            "complete": _("complete"),
            "edit": _("Edit"),
            "move_up": _("Move up"),
            "move_down": _("Move down"),
            "remove": _("Remove"),
        }
        self._statuses = {value: str(label) for value, label in Action.Status.choices}
        self._activity_types = {value: str(label) for value, label in Action.ActivityType.choices}
        self._edit_label = _("Edit %(title)s")
        self._remove_label = _("Remove %(title)s")
        self._urls = {
            name: reverse(f"actions:{name}", args=[self._MARKER]).split(self._MARKER)
            for name in ("action", "action_edit", "action_move", "action_delete")
        }

    def _url(self, name: str, pk: int) -> str:
        before, after = self._urls[name]
        return f"{before}{pk}{after}"

    def rows(self, actions: QuerySet[Action]) -> list[Action]:
        """``actions`` read with ``table_actions``, with their key partners' names
        (one query for all rows)."""
        rows = list(table_actions(actions))
        names = actions.key_partner_names()
        for action in rows:
            action.key_partner_names = names.get(action.pk, [])
            action.status_label = self._statuses.get(action.status, action.status)
            action.activity_type_label = self._activity_types.get(
                action.activity_type, action.activity_type
            )
            action.url = self._url("action", action.pk)
            action.edit_url = self._url("action_edit", action.pk)
            action.move_url = self._url("action_move", action.pk)
            action.delete_url = self._url("action_delete", action.pk)
            action.edit_label = self._edit_label % {"title": action.title}
            action.remove_label = self._remove_label % {"title": action.title}
        return rows


class ChallengeGroup:
    """The rows of one challenge, in table order."""

    def __init__(self, challenge, rows):
        self.challenge = challenge
        self.rows = rows


def group_by_challenge(challenges, rows: list[Action]) -> list[ChallengeGroup]:
    by_challenge: dict[int | None, list[Action]] = {}
    for action in rows:
        by_challenge.setdefault(action.challenge_id, []).append(action)
    groups = [ChallengeGroup(c, by_challenge.get(c.pk, [])) for c in challenges]
    if None in by_challenge:
        groups.append(ChallengeGroup(None, by_challenge[None]))
    return groups


def table_context(request, roadmap) -> dict:
    """What the Action Table page shows; a fixed number of queries at any size."""
    access = permissions.access_for(request.user)
    filterset = ActionFilter(
        request.GET or None,
        queryset=roadmap.actions.all(),
        roadmap=roadmap,
        organisation_id=access.organisation_id,
    )
    presenter = TableRows()
    rows = presenter.rows(filterset.qs)
    all_actions = list(table_actions(roadmap.actions.all())) if filterset.is_bound else rows
    challenges = list(roadmap.challenges.all())
    return {
        "roadmap": roadmap,
        "filter": filterset,
        "rows": rows,
        "row_words": presenter.words,
        "groups": None if filterset.is_sorted else group_by_challenge(challenges, rows),
        "challenges": challenges,
        "can_edit": permissions.can_edit_roadmap(request.user, roadmap),
        "today": timezone.localdate(),
        "total": len(all_actions),
        "complete": sum(1 for action in all_actions if action.is_measurable()),
        "shown": len(rows),
        "status_counts": _status_counts(all_actions),
    }


def _status_counts(actions):
    counts = dict.fromkeys(Action.Status.values, 0)
    for action in actions:
        counts[action.status] += 1
    return [(label, counts[value]) for value, label in Action.Status.choices]


@require_safe
def roadmap(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    context = table_context(request, roadmap)
    context["page_title"] = _("Action Table")
    return render(request, "actions/roadmap.html", context)
