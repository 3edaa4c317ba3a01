"""The counts above the Action Table, of the whole roadmap, in SQL.

The table shows a page of rows; what it says of the whole roadmap (how many rows,
how many tangible and measurable, how many per status) is counted by the database,
never by reading every row (issue 15). The page counts them in the same grouped
query as its challenges' spans (``views.table_pages.challenge_spans`` annotates
each challenge's group with ``count_columns`` and ``totals_of`` adds the groups up);
a row swapped in place asks ``table_totals`` (one query). The counts of other things
(resources, partners' rows) belong in modules of their own, beside this one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Count, Q, QuerySet

from .models import Action


def count_columns() -> dict:
    """The aggregates the counts are made of: how many rows, how many tangible and
    measurable (``Action.measurable_condition``), how many in each status."""
    return {
        "total": Count("pk"),
        "complete": Count("pk", filter=Action.measurable_condition()),
        **{
            f"status_{value}": Count("pk", filter=Q(status=value)) for value in Action.Status.values
        },
    }


def totals_of(groups: Iterable[Mapping[str, int]]) -> dict:
    """The counts of the rows whose groups (rows of ``count_columns``, e.g. one per
    challenge) are ``groups``, added up: the total, the complete rows, and the
    statuses as (label, count) pairs in the statuses' order."""
    sums = dict.fromkeys(count_columns(), 0)
    for group in groups:
        for name in sums:
            sums[name] += group[name]
    return {
        "total": sums["total"],
        "complete": sums["complete"],
        "status_counts": [
            (label, sums[f"status_{value}"]) for value, label in Action.Status.choices
        ],
    }


def table_totals(actions: QuerySet[Action]) -> dict:
    """How many of ``actions`` (a roadmap's rows) there are, how many are tangible
    and measurable, and how many are in each status (``totals_of``): one query."""
    return totals_of([actions.order_by().aggregate(**count_columns())])
