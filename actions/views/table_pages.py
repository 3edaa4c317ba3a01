"""The Action Table in pages: a page of about a hundred rows, grouped by challenge,
the links to the other pages, and which page holds a row.

A page is a slice of the filtered rows in table order (``in_table_order``) or in
the user's sort, so that reading it costs the same at 200 rows as at 20,000. What
the page needs to know of the whole roadmap comes from one grouped query per
challenge (``challenge_spans``): how many rows of the filter each challenge has, and
the first and last position of its rows (where ↑ / ↓ can take a row), and the
counts above the table (``table_totals.count_columns``), which ``spans_totals`` adds
up: the roadmap's rows are read once for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import QueryDict

from ..models import Action
from ..table_totals import count_columns, totals_of

if TYPE_CHECKING:
    from .table_rows import TableRow

PER_PAGE = 100
# The query parameter of the page's number; the filter's form never sends it, so
# that a new filter starts at the first page.
PAGE_PARAM = "page"


@dataclass
class ChallengeSpan:
    """What the page knows of one challenge's rows in the whole roadmap."""

    shown: int  # rows the filter leaves
    low: int | None  # the first and last position of all its rows
    high: int | None
    # The counts of all its rows, filtered or not (``table_totals.count_columns``).
    counts: dict = field(default_factory=dict)


def challenge_spans(roadmap, filtered: QuerySet[Action] | None) -> dict[int | None, ChallengeSpan]:
    """Per challenge id (None: unassigned), its rows that ``filtered`` leaves (None:
    no filter, every row), the bounds of its positions and the counts of all its
    rows: one query."""
    shown = Count("pk")
    if filtered is not None:
        shown = Count("pk", filter=Q(pk__in=filtered.order_by().values("pk")))
    counts = count_columns()
    spans = (
        roadmap.actions.order_by()
        .values("challenge_id")
        .annotate(shown=shown, low=Min("position"), high=Max("position"), **counts)
    )
    return {
        span["challenge_id"]: ChallengeSpan(
            span["shown"],
            span["low"],
            span["high"],
            counts={name: span[name] for name in counts},
        )
        for span in spans
    }


def spans_totals(spans: Mapping[int | None, ChallengeSpan]) -> dict:
    """The counts above the table (``table_totals.totals_of``) of the whole roadmap,
    from its challenges' spans: no query."""
    return totals_of(span.counts for span in spans.values())


class _PageRows:
    """The rows to page through, as Paginator takes them ("a sliceable object with a
    count() method"), with two savings at any size of roadmap:

    - the count is already known (the sum of ``challenge_spans``, or the roadmap's
      own), so the rows the filter leaves are not counted again;
    - a page is read in two steps: the ids of its rows first, sorted alone (a narrow
      sort, in memory even at 20,000 rows), then those rows by id with all that
      they show. Sorting every row with all its columns to keep a hundred was most
      of the page's time on a large roadmap, and grew with it (EXPLAIN at 20,000:
      70 ms for the first page, 134 ms deeper, sorted on disk; 26 and 64 ms by ids).
    """

    def __init__(self, queryset: QuerySet, count: int | None):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __getitem__(self, key: slice) -> list:
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        if not ids:
            return []
        order = {pk: index for index, pk in enumerate(ids)}
        rows = self.queryset.order_by().filter(pk__in=ids)
        return sorted(rows, key=lambda row: order[row["pk"] if isinstance(row, dict) else row.pk])


def table_page(rows: QuerySet[Action], number, *, count: int | None = None) -> Page:
    """The page ``number`` (the request's text: a bad or too big number gives the first
    or the last page, as Paginator.get_page does) of ``rows``, already ordered; its
    ``object_list`` is a list."""
    return Paginator(_PageRows(rows, count), PER_PAGE).get_page(number)


def page_of(rows: QuerySet[Action], action: Action) -> int:
    """The number of the page of ``rows`` (in table order) that holds ``action``."""
    return rows.ahead_of(action).count() // PER_PAGE + 1


def page_query(query: QueryDict | None, number: int | None) -> str:
    """``query`` (the filter and sort) with the page ``number`` (none for the first),
    as the text after "?" ("" when nothing is left)."""
    query = query.copy() if query is not None else QueryDict(mutable=True)
    query.pop(PAGE_PARAM, None)
    if number and number > 1:
        query[PAGE_PARAM] = str(number)
    return query.urlencode()


def without_page(query: QueryDict | None) -> str:
    """``query`` without its page: what the workbook link and the filter carry."""
    return page_query(query, None)


@dataclass
class PageLink:
    number: int | None  # None: the gap ("…") between far pages
    url: str
    current: bool = False


def page_links(page: Page, query: QueryDict | None, *, path: str) -> dict:
    """The links of the pagination to ``path`` with ``query`` (the filter and sort):
    previous, next and the numbers around this page."""

    def url(number: int) -> str:
        text = page_query(query, number)
        return f"{path}?{text}" if text else path

    paginator = page.paginator
    links = [
        PageLink(None, "")
        if number == paginator.ELLIPSIS
        else PageLink(number, url(number), current=number == page.number)
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return {
        "links": links,
        "previous": url(page.number - 1) if page.has_previous() else None,
        "next": url(page.number + 1) if page.has_next() else None,
        "number": page.number,
        "count": paginator.num_pages,
        "first_row": page.start_index(),
        "last_row": page.end_index(),
        "rows": paginator.count,
        "several": paginator.num_pages > 1,
    }


class ChallengeGroup:
    """The rows of one challenge on a page, in table order; ``continued`` when its
    first rows are on an earlier page; ``filtered_out`` when it has rows but the
    filter leaves none of them (the page then says so, not "no action here yet")."""

    def __init__(self, challenge, rows, *, continued: bool = False, filtered_out: bool = False):
        self.challenge = challenge
        self.rows = rows
        self.continued = continued
        self.filtered_out = filtered_out


def page_groups(
    challenges, rows, spans: dict, *, first_index: int, last_page: bool
) -> list[ChallengeGroup]:
    """The challenges of a page, in table order, with the page's rows: each that has
    rows on it, and each that the filter leaves empty where it falls (the row before
    it on this page, or at the very end on the last page), with its "Add action"."""
    by_challenge: dict[int | None, list[TableRow]] = {}
    for row in rows:
        by_challenge.setdefault(row.challenge_id, []).append(row)
    last_index = first_index + len(rows)
    groups = []
    start = 0  # how many of the filter's rows come before this challenge's
    for challenge in [*challenges, None]:
        key = challenge.pk if challenge is not None else None
        span = spans.get(key)
        shown = span.shown if span is not None else 0
        if by_challenge.get(key):
            groups.append(
                ChallengeGroup(challenge, by_challenge[key], continued=start < first_index)
            )
        elif (
            not shown
            and challenge is not None
            and first_index <= start
            and (start < last_index or last_page)
        ):
            # A challenge with rows has a span; the filter left none of them.
            groups.append(ChallengeGroup(challenge, [], filtered_out=span is not None))
        start += shown
    return groups


def mark_moves(
    rows: list[TableRow], bounds: Mapping[int | None, tuple[int, int]], *, sorted_: bool
) -> None:
    """Say where each row's ↑ / ↓ can take it: nowhere in a sorted table (the order
    shown is not the table's), else not above the first nor below the last of its
    challenge in the whole roadmap (``bounds``: its lowest and highest position by
    challenge id, filtered or not)."""
    if sorted_:
        for row in rows:
            row.can_move_up = row.can_move_down = False
        return
    for row in rows:
        low, high = bounds.get(row.challenge_id) or (row.position, row.position)
        row.can_move_up = row.position > low
        row.can_move_down = row.position < high


def challenge_bounds(roadmap_id: int, challenge_id: int | None) -> dict:
    """``mark_moves``' bounds of one challenge of a roadmap (one query), for a row
    swapped in place."""
    bounds = (
        Action.objects.filter(roadmap_id=roadmap_id, challenge_id=challenge_id)
        .order_by()
        .aggregate(low=Min("position"), high=Max("position"))
    )
    if bounds["low"] is None:
        return {}
    return {challenge_id: (bounds["low"], bounds["high"])}
