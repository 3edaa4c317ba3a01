"""What the meetings app shows on other apps' pages: an action page's "Discussed in
meetings" (``{% load meetings_tags %}{% action_meetings action can_see_people=... %}``)
and the meeting a pledge was made in (``{% pledge_contributions pledge %}``), so that
actions shows meetings without importing them."""

from django import template
from django.db.models import Q

from ..models import Contribution

register = template.Library()


@register.inclusion_tag("meetings/_action_meetings.html")
def action_meetings(action, *, can_see_people: bool) -> dict:
    """What was said about ``action`` in meetings, and the proposals that made or
    changed it; who said it is named only to those who may see people (the
    page's ``permissions.can_see_people``), else their organisation."""
    contributions = (
        Contribution.objects.filter(Q(action=action) | Q(produced_action=action))
        .select_related("meeting", "author__organisation", "organisation")
        .order_by("meeting__start", "position", "pk")
    )
    return {"action": action, "contributions": contributions, "can_see_people": can_see_people}


@register.inclusion_tag("meetings/_pledge_contributions.html")
def pledge_contributions(pledge) -> dict:
    """The meeting contributions a pledge was recorded from (``Contribution.pledge``),
    named by their organisation, never a person."""
    contributions = (
        Contribution.objects.filter(pledge=pledge)
        .select_related("meeting", "organisation")
        .order_by("meeting__start", "position", "pk")
    )
    return {"contributions": contributions}
