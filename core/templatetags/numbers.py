"""``{% load numbers %}`` then ``{{ action.budget|number }}``: a number as the pages
write it (core.numbers.format_number: "15 000", "2,5", whole numbers whole)."""

from django import template

from core.numbers import format_number

register = template.Library()


@register.filter
def number(value) -> str:
    return format_number(value)
