"""The counts above the Action Table, of the whole roadmap, in SQL.

The table shows a page of rows; what it says of the whole roadmap (how many rows,
how many tangible and measurable, how many per status) is counted by the database
in one query, never by reading every row (issue 15). The counts of other things
(resources, partners' rows) belong in modules of their own, beside this one.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Action


def table_totals(actions: QuerySet[Action]) -> dict:
    """How many of ``actions`` (a roadmap's rows) there are, how many are tangible
    and measurable (``Action.measurable_condition``), and how many are in each status
    as (label, count) pairs in the statuses' order: one query."""
    statuses = {f"status_{value}": value for value in Action.Status.values}
    counts = actions.order_by().aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=Action.measurable_condition()),
        **{name: Count("pk", filter=Q(status=value)) for name, value in statuses.items()},
    )
    return {
        "total": counts["total"],
        "complete": counts["complete"],
        "status_counts": [
            (label, counts[f"status_{value}"]) for value, label in Action.Status.choices
        ],
    }
