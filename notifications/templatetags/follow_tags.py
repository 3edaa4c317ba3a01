"""The follow buttons, for other apps' pages without importing this app:
``{% load follow_tags %}{% follow_buttons action %}`` (the action page: the action and
its roadmap), ``{% follow_roadmap_button roadmap %}`` (the roadmap's pages)."""

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


@register.inclusion_tag("notifications/_follow_roadmap_button.html", takes_context=True)
def follow_roadmap_button(context, roadmap) -> dict:
    """One query for a signed-in user (do they follow it?), none for a visitor."""
    user = context["request"].user
    following = user.is_authenticated and Follow.objects.filter(user=user, roadmap=roadmap).exists()
    return {
        "user": user,
        "roadmap": roadmap,
        "following": following,
        "here": context["request"].get_full_path(),
    }
