"""The roadmaps list and a roadmap's Action Table."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import permissions, unsaved
from core.htmx import is_htmx, vary_on_htmx

from ..filters import ActionFilter
from ..forms import ActionForm
from ..models import Action, Roadmap
from ..partner_forms import PartnerActionForm
from ..table_totals import table_totals
from .common import get_roadmap_for_user
from .table_pages import (
    PAGE_PARAM,
    PER_PAGE,
    challenge_spans,
    mark_moves,
    page_groups,
    page_links,
    page_of,
    page_query,
    spans_totals,
    table_page,
    without_page,
)
from .table_rows import TableRow, TableRows


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
    names (TableRows.rows). Not ``for_table()``, which also joins each action's
    challenge, roadmap and city and makes an organisation object per key partner:
    prefetched, they were a third of reading the rows. Prefetched for the rows
    read, so a page's hundred, never the roadmap's."""
    return (
        actions.select_related("lead_partner")
        .defer(*_NOT_IN_THE_TABLE)
        .prefetch_related("indicators")
    )


def mark_partner_rows(rows: list[TableRow], user, roadmap) -> bool:
    """Mark the rows that ``user`` updates as a partner (one query, for partners only);
    whether the partner updates any action of the roadmap."""
    if permissions.partner_organisation_id(user) is None:
        return False
    ids = set(permissions.partner_actions(user, roadmap.actions.all()).values_list("pk", flat=True))
    for row in rows:
        row.can_update = row.pk in ids
    return bool(ids)


def roadmap_summary(roadmap) -> dict:
    """The counts above the table of the roadmap as it is now (one query), for a row
    swapped in place to update them out of band."""
    return table_totals(roadmap.actions.all())


def table_filter(request, roadmap, query) -> ActionFilter:
    """The Action Table's filter and sort of ``query`` for the request's user."""
    return ActionFilter(
        _filter_query(query),
        queryset=table_actions(roadmap.actions.in_table_order()),
        roadmap=roadmap,
        organisation_id=permissions.access_for(request.user).organisation_id,
        staff=permissions.can_edit_roadmap(request.user, roadmap),
    )


def resource_totals_summary(request, roadmap, query) -> dict:
    """What the resource totals above the table (templates/actions/_resource_totals.html)
    add up, for a row saved in place to send them again out of band: the actions the
    filter (``query``: the page's the row was saved on) leaves, every page of them."""
    filterset = table_filter(request, roadmap, query)
    return {"resource_actions": filterset.qs, "challenges": list(roadmap.challenges.all())}


def _filter_query(query) -> QueryDict | None:
    """The filter and sort of ``query``: all but the page's number, which is not a
    filter (a page alone leaves the filter unbound, its panel closed)."""
    if not query:
        return None
    query = query.copy()
    query.pop(PAGE_PARAM, None)
    return query or None


def table_context(
    request,
    roadmap,
    *,
    query=None,
    flash: dict | None = None,
    show_row: Action | None = None,
) -> dict:
    """What the Action Table page shows; a fixed number of queries at any size.

    ``query``: the filter, sort and page (the request's own GET by default; a row
    moved in place passes those of the page it was moved on). ``show_row``: an
    action whose page to show instead of the query's (unless the user sorted the
    table: its page is then the query's). ``flash``: {"pk", "text", "button"} for the row to
    highlight after a save, a move or an add.
    """
    query = request.GET if query is None else query
    filterset = table_filter(request, roadmap, query)
    today = timezone.localdate()
    spans = challenge_spans(roadmap, filterset.qs if filterset.is_bound else None)
    shown = sum(span.shown for span in spans.values())
    page = query.get(PAGE_PARAM)
    if show_row is not None and not filterset.is_sorted:
        page = page_of(filterset.qs, show_row)
    page_obj = table_page(filterset.qs, page, count=shown)
    actions = list(page_obj.object_list)
    challenges = list(roadmap.challenges.all())
    presenter = TableRows(today)
    rows = presenter.rows(actions)
    bounds = {key: (span.low, span.high) for key, span in spans.items()}
    mark_moves(rows, bounds, sorted_=filterset.is_sorted)
    can_edit = permissions.can_edit_roadmap(request.user, roadmap)
    # The import: its staff, and the partners who update some action of it
    # (``permissions.can_import_workbook``, read from the query that marks their rows).
    can_import = can_edit or mark_partner_rows(rows, request.user, roadmap)
    if flash:
        for row in rows:
            if row.pk == flash["pk"]:
                row.flash, row.focus_button = flash["text"], flash.get("button", "")
    groups = None
    if not filterset.is_sorted:
        groups = page_groups(
            challenges,
            rows,
            spans,
            first_index=(page_obj.number - 1) * PER_PAGE,
            last_page=not page_obj.has_next(),
        )
    filter_query = _filter_query(query)
    path = reverse("actions:roadmap", args=[roadmap.pk])
    page_text = page_query(filter_query, page_obj.number)
    return {
        "roadmap": roadmap,
        "filter": filterset,
        "rows": rows,
        "row_labels": presenter.labels,
        "groups": groups,
        "challenges": challenges,
        "can_edit": can_edit,
        "can_import": can_import,
        "today": today,
        **spans_totals(spans),
        "shown": shown,
        "page": page_obj,
        "pages": page_links(page_obj, filter_query, path=path),
        "flash": flash,
        "query": page_text,
        "page_url": f"{path}?{page_text}" if page_text else path,
        "filter_query": without_page(filter_query),
    }


# The element of the page that the table's partial replaces (templates/actions/_action_table.html).
TABLE_ELEMENT_ID = "table-of-actions"

_FLASH_KEY = "action_table_flash"


def give_row_flash(request, action: Action, text: str, *, button: str = "") -> None:
    """Have the table page, loaded next, highlight ``action``'s row with ``text``
    beside it (after an add, or a save or move without JavaScript)."""
    request.session[_FLASH_KEY] = {
        "roadmap": action.roadmap_id,
        "pk": action.pk,
        "text": str(text),
        "button": button,
    }


def take_row_flash(request, roadmap) -> dict | None:
    flash = request.session.get(_FLASH_KEY)
    if not flash or flash.get("roadmap") != roadmap.pk:
        return None
    del request.session[_FLASH_KEY]
    return flash


def unsaved_notice() -> str:
    return _(
        "Your session had ended, so these changes were not saved. They are back in the"
        " form: check them and save again."
    )


def kept_edit(request, roadmap) -> dict | None:
    """The row of ``roadmap`` whose edit was sent after the session had ended, as a
    form holding what was typed (core.unsaved), for the table to show in place."""
    path = unsaved.peek_path(request)
    if not path:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "actions:action_edit":
        return None
    action = roadmap.actions.filter(pk=match.kwargs["pk"]).first()
    if action is None:
        return None
    action.roadmap = roadmap
    if permissions.can_edit_roadmap(request.user, roadmap):
        form = ActionForm(unsaved.take(request, path), instance=action, roadmap=roadmap)
    elif permissions.can_update_action(request.user, action):
        # One of its partners (issue 16): their fields only.
        form = PartnerActionForm(
            unsaved.take(request, path),
            instance=action,
            roadmap=roadmap,
            indicators=action.indicators.all(),
        )
    else:
        return None
    form.is_valid()
    return {"action": action, "form": form, "notice": unsaved_notice()}


def _is_page_swap(request) -> bool:
    """Whether htmx asks for the table alone (a link of the pagination); not when
    it restores a page of its history, which needs the whole page."""
    return (
        is_htmx(request)
        and request.headers.get("HX-Target") == TABLE_ELEMENT_ID
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_safe
def roadmap(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    flash = take_row_flash(request, roadmap)
    kept = kept_edit(request, roadmap)
    # The row whose edit was kept is shown with what was typed, on its page.
    show_row = kept["action"] if kept else None
    context = table_context(request, roadmap, flash=flash, show_row=show_row)
    context["kept_edit"] = kept
    if _is_page_swap(request):
        context["page_swap"] = True
        return vary_on_htmx(render(request, "actions/_action_table_page.html", context))
    context["page_title"] = _("Action Table")
    return vary_on_htmx(render(request, "actions/roadmap.html", context))
