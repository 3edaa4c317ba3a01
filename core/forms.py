"""Form plumbing shared by the apps: Bootstrap classes and error marking, ids,
localized decimals."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField

from .numbers import format_number, parse_decimal_text


def _base_class(widget) -> str:
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select form-select-sm"
    return "form-control form-control-sm"


def place_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the fields of ``form`` it names; what names no field
    of the form (or no field at all) goes above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


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


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed and shown as the page writes it: "15 000,50" in Bulgarian,
    "15,000.50" in English, whole numbers whole ("30", not "30,00").

    Django's localized field reads the decimal comma but keeps the thousands
    separator only with USE_THOUSAND_SEPARATOR, which the app leaves off
    (core.numbers.format_number says why); core.numbers.parse_decimal_text drops
    it, and the value shown is the one format_number writes, as the pages do.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A phone's keyboard with digits and the decimal separator.
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_decimal_text(value)
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_number(value)
        return value


# For a ModelAdmin or inline: its decimals typed and shown as the pages write them.
LOCALIZED_DECIMALS = {models.DecimalField: {"form_class": LocalizedDecimalField}}
