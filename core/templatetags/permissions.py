"""Template access to ``core.permissions``, so that templates ask and never decide.

``{% load permissions %}`` then ``{% if user|can_use_admin %}``.
"""

from django import template

from core import permissions

register = template.Library()


@register.filter
def can_use_admin(user) -> bool:
    return permissions.can_use_admin(user)
