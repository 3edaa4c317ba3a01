"""The roadmaps list and a roadmap's Action Table."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import permissions, unsaved
from core.htmx import is_htmx, vary_on_htmx
from core.numbers import format_number, number_separators

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


@require_safe
def roadmap_list(request):
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .select_related("city")
        .annotate(action_count=Count("actions"))
        .order_by("city__name", "-period_start", "title")
    )
    return render(request, "actions/roadmap_list.html", {"roadmaps": roadmaps})


class _TemplateFields:
    """Answers ``row["title"]`` as ``row.title``. Django's template engine tries an
    item lookup before the attribute; without this every cell of every row first
    raises and catches a TypeError (a tenth of the rows' rendering)."""

    def __getitem__(self, name: str):
        return getattr(self, name)


@dataclass
class IndicatorLine(_TemplateFields):
    """An indicator as the row lists it: "name: baseline → target unit", and its
    current value apart ("" when unknown; the partial puts it in a span)."""

    text: str
    current: str


@dataclass
class TableRow(_TemplateFields):
    """One row of the Action Table as templates/actions/_action_row.html shows it.

    Worked out once in Python, so that the partial reads plain values instead of
    calling model methods (choice labels, indicators, the measurable check),
    reversing URLs and formatting numbers and dates for each row; the page and the
    htmx row view both build it. What the partial writes is text: numbers and dates
    in the active language ("" when there is none), the row's element id and version
    as its attributes carry them (the template engine would localize an int).

    Measured need (issue 11): the same partial reading the model with ordinary tags
    and filters ({% url %}, |date, |localize, get_FOO_display, the rules' methods)
    made the page 0.71 x the admin changelist of the same 200 rows in one make bench,
    against 0.41 with these rows (goal: 0.5). The rules themselves are the model's
    (is_overdue, missing_for_measurable, Indicator.text, key_partner_names).
    """

    pk: int
    challenge_id: int | None
    element_id: str
    version: str
    title: str
    url: str
    activity_type: str
    expected_results: str
    indicators: list[IndicatorLine]
    resources: str
    budget_and_days: str
    lead_partner: object
    key_partners: str
    deadline: str
    overdue: bool
    status: str
    progress: str
    start_date: str
    missing: list[str]
    edit_url: str
    move_url: str
    delete_url: str
    edit_label: str
    delete_label: str
    position: int = 0
    # Where ↑ / ↓ can take the row (not past the first or last of its challenge).
    can_move_up: bool = True
    can_move_down: bool = True
    # What the row says after a save, a move or an add, and the button to focus.
    flash: str = ""
    focus_button: str = ""
    # One of the actions a partner updates (its status, progress, indicators' values).
    can_update: bool = False

    @property
    def is_measurable(self) -> bool:
        return not self.missing


def row_labels() -> dict[str, str]:
    """The words every row repeats, translated (and escaped) once per request rather
    than by a translate tag in each row (the partial reads them as ``row_labels``)."""
    labels = {
        "now": _("now"),
        "overdue": _("overdue"),
        "progress": _("Progress"),
        "incomplete": _("incomplete"),
        "missing": _("Missing:"),
        "complete": _("complete"),
        "edit": _("Edit"),
        "update": _("Update progress"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "remove": _("Remove"),
        # The cells' names on a phone, where each row is a card.
        "results": _("Expected results"),
        "resources": _("Necessary resources"),
        "partners": _("Partners"),
        "dates": _("Start – deadline"),
        "status": _("Status"),
    }
    return {key: conditional_escape(label) for key, label in labels.items()}


class TableRows:
    """Turns actions (from ``table_actions``) into TableRows; what is the same for
    every row (labels and number formats of the active language, URL patterns,
    today) is worked out once."""

    # A primary key no row has: reversed once, then replaced by each row's.
    _MARKER = "2147483647"

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.activity_types = {value: str(text) for value, text in Action.ActivityType.choices}
        self.statuses = {value: str(text) for value, text in Action.Status.choices}
        self.urls = {
            name: reverse(f"actions:{name}", args=[self._MARKER]).split(self._MARKER)
            for name in ("action", "action_edit", "action_move", "action_delete")
        }
        self.labels = row_labels()
        self.edit_label = _("Edit %(title)s")
        self.delete_label = _("Remove %(title)s")
        self.people_days_label = _("%(days)s people-days")
        self.short_date_format = formats.get_format("SHORT_DATE_FORMAT")
        # The separators format_number would look up again for every number.
        self.number_format = number_separators()

    def _url(self, name: str, pk: int) -> str:
        prefix, suffix = self.urls[name]
        return f"{prefix}{pk}{suffix}"

    def _number(self, value: Decimal | None, none: str = "") -> str:
        """``value`` as format_number writes it in the active language."""
        return format_number(value, none, separators=self.number_format)

    def _date(self, value: datetime.date | None) -> str:
        """``value`` as formats.date_format(value, "SHORT_DATE_FORMAT") writes it."""
        return dateformat.format(value, self.short_date_format) if value else ""

    def _budget_and_days(self, action: Action) -> str:
        """The budget and the people-days on one line ("1,500 EUR · 12 people-days"),
        either alone, or ""."""
        parts = []
        if action.budget is not None:
            parts.append(f"{self._number(action.budget)} {action.currency}")
        if action.people_days:
            parts.append(self.people_days_label % {"days": self._number(action.people_days)})
        return " · ".join(parts)

    def _indicator_line(self, indicator) -> IndicatorLine:
        return IndicatorLine(
            text=indicator.text(), current=indicator.current_text(self.number_format)
        )

    def rows(self, actions: Iterable[Action]) -> list[TableRow]:
        """The rows of ``actions``, with their key partners' names read in one query."""
        actions = list(actions)
        key_partners = Action.objects.filter(pk__in=[a.pk for a in actions]).key_partner_names()
        return [self._row(action, key_partners.get(action.pk, [])) for action in actions]

    def _row(self, action: Action, key_partners: list[str]) -> TableRow:
        pk = action.pk
        title = action.title
        return TableRow(
            pk=pk,
            challenge_id=action.challenge_id,
            element_id=f"action-{pk}",
            version=str(action.version),
            title=title,
            url=self._url("action", pk),
            activity_type=self.activity_types.get(action.activity_type, action.activity_type),
            expected_results=action.expected_results,
            indicators=[self._indicator_line(indicator) for indicator in action.indicators.all()],
            resources=action.resources,
            budget_and_days=self._budget_and_days(action),
            lead_partner=action.lead_partner,
            key_partners=", ".join(key_partners),
            deadline=self._date(action.deadline),
            overdue=action.is_overdue(self.today),
            status=self.statuses.get(action.status, action.status),
            progress=str(action.progress),
            start_date=self._date(action.start_date),
            missing=action.missing_for_measurable(),
            edit_url=self._url("action_edit", pk),
            move_url=self._url("action_move", pk),
            delete_url=self._url("action_delete", pk),
            edit_label=self.edit_label % {"title": title},
            delete_label=self.delete_label % {"title": title},
            position=action.position,
        )


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
    access = permissions.access_for(request.user)
    query = request.GET if query is None else query
    filterset = ActionFilter(
        _filter_query(query),
        queryset=table_actions(roadmap.actions.in_table_order()),
        roadmap=roadmap,
        organisation_id=access.organisation_id,
        staff=permissions.can_edit_roadmap(request.user, roadmap),
    )
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
