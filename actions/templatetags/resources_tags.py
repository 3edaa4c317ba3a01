"""What an action's resources add up to, on pages that list many actions: the
Action Table's totals of cost, secured and gap per challenge and for the whole
roadmap, and pledged and delivered per kind
(``{% load resources_tags %}{% resource_totals filter.qs challenges %}``).

The totals are of the queryset given, the whole filtered roadmap, not of the
rows a page shows; three queries whatever its size (``RoadmapResources.of``).
"""

from django import template

from ..models import RoadmapResources

register = template.Library()


@register.inclusion_tag("actions/_resource_totals.html")
def resource_totals(actions, challenges, oob: bool = False) -> dict:
    """The totals of ``actions`` (a queryset), grouped by ``challenges`` in their order;
    ``oob``: sent again out of band, after a row saved in place."""
    totals = RoadmapResources.of(actions)
    # A currency in which nothing is costed or funded says nothing.
    total = [line for line in totals.funding.total_list if line.cost or line.funded]
    shown = {line.currency for line in total}
    per_challenge = [
        (challenge, [line for line in lines if line.currency in shown])
        for challenge, lines in totals.funding.per_challenge(challenges)
    ]
    return {
        "funding_per_challenge": per_challenge,
        "funding_total": total,
        "pledged_per_kind": totals.per_kind,
        "oob": oob,
    }
