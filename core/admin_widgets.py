"""Admin widgets that render a re-shown form whatever ids it was sent."""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from core.forms import MAX_ID


def _storable_key(field, value) -> bool:
    """Whether ``value`` can be looked up in ``field`` without the database raising."""
    try:
        key = field.to_python(value)
        field.get_prep_value(key)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(key, int) or abs(key) <= MAX_ID


class _SafeAutocompleteMixin:
    """Render a re-shown form whose autocomplete got a forged id ("1.5", 10**30).

    Django's autocomplete widgets look the submitted values up as they are, so
    such a value turns a form error into a 500 (ValueError, or an overflow in
    the database). The field itself still refuses the value with a form error.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        value = [v for v in value if _storable_key(target, v)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class KnownAutocompleteSelect(SafeAutocompleteSelect):
    """An autocomplete whose chosen option's label is given (``known``: {pk: label}),
    read with the rows of its inline, instead of a query for each row's widget.

    Measured need (issue 13): a meeting's attendance list of 12 people made 24
    queries for its autocompletes alone (the person and then their organisation);
    the page's queries now stay the same at any size of meeting.
    """

    known: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        if not self.known or len(chosen) != 1 or chosen[0] not in self.known:
            return super().optgroups(name, value, attr)
        option = self.create_option(name, chosen[0], self.known[chosen[0]], True, 0, attrs=attr)
        groups = [(None, [option], 0)]
        if not self.is_required:
            groups.insert(0, (None, [self.create_option(name, "", "", False, 0)], 0))
        return groups
