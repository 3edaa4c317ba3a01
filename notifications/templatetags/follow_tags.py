"""The follow buttons, for other apps' pages without importing this app:
``{% load follow_tags %}{% follow_buttons action %}``."""

from django import template

from ..models import Follow

register = template.Library()


@register.inclusion_tag("notifications/_follow_buttons.html", takes_context=True)
def follow_buttons(context, action) -> dict:
    user = context["request"].user
    following = set()
    if user.is_authenticated:
        for follow in Follow.objects.filter(user=user).filter(
            action=action
        ) | Follow.objects.filter(user=user, roadmap_id=action.roadmap_id):
            following.add("action" if follow.action_id else "roadmap")
    return {
        "user": user,
        "action": action,
        "follows_action": "action" in following,
        "follows_roadmap": "roadmap" in following,
        "here": context["request"].get_full_path(),
    }
