"""Form plumbing shared by the apps: Bootstrap classes and error marking."""

from django import forms
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
