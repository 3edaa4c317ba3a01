"""Form plumbing shared by the apps: Bootstrap classes and error marking."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField


def _base_class(widget) -> str:
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select form-select-sm"
    return "form-control form-control-sm"


class BootstrapBoundField(BoundField):
    """Render widgets with Bootstrap's classes, and mark and describe errors."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = attrs.get("class", widget.attrs.get("class", ""))
        wanted = _base_class(widget)
        if wanted.split()[0] not in classes.split():
            classes = f"{classes} {wanted}".strip()
        if self.errors:
            classes += " is-invalid"
            attrs["aria-describedby"] = f"{self.auto_id}_error"
        attrs["class"] = classes
        return attrs


class BootstrapFormMixin:
    bound_field_class = BootstrapBoundField


# The largest id a database integer column holds (a 64-bit BIGINT).
MAX_ID = 2**63 - 1


class IdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id no row can have as an invalid choice.

    Django's own checks each value, then looks them all up with ``pk__in``; an id
    past 64 bits passes the first and makes the lookup raise (OverflowError on
    SQLite, DataError on PostgreSQL): a 500 from a typed or forged form.
    """

    def clean(self, value):
        # Before Django's own checks, which end in that lookup.
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # not a number: Django's own check says so
            if abs(number) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)
