"""The forms of what a partner updates of its own actions (issue 16): the row's
status, progress and indicators' current values, a pledge and a delivery.

They validate and place errors; who may send what is ``core.permissions``', and
every save goes through ``actions.services``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, LocalizedDecimalField

from .forms import ActionForm, DateInput, RowFormMixin
from .models import Action, Delivery, Pledge

# What a form posts besides its fields.
_FORM_KEYS = frozenset({"csrfmiddlewaretoken"})


def posted_names(form) -> frozenset[str]:
    """The names ``form`` posts; a partner posting any other is refused (403), so
    that a field it may not change is never silently dropped."""
    names = {form.add_prefix(name) for name in form.fields}
    # A field whose default is callable (a date's today) also posts its hidden initial.
    names |= {form.add_initial_prefix(n) for n, f in form.fields.items() if f.show_hidden_initial}
    return frozenset(names) | _FORM_KEYS


class PartnerActionForm(RowFormMixin, BootstrapFormMixin, forms.ModelForm):
    """An action as its partners update it in the row: status, progress, and the
    current value of each indicator (``indicator_<id>``), from the version read."""

    version = ActionForm.base_fields["version"]
    confirm_progress = ActionForm.base_fields["confirm_progress"]
    wide_fields = ()
    # The row's template leaves out what only the staff edit (the indicators' page).
    is_partner_form = True

    class Meta:
        model = Action
        fields = ["status", "progress"]

    def __init__(self, *args, roadmap, indicators=(), **kwargs):
        instance = kwargs.get("instance")
        kwargs.setdefault("auto_id", f"id_action{getattr(instance, 'pk', None) or 'new'}_%s")
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.indicators = list(indicators)
        for indicator in self.indicators:
            label = _("%(indicator)s: current value") % {"indicator": indicator.name}
            if indicator.unit:
                label = f"{label} ({indicator.unit})"
            self.fields[self.indicator_field(indicator)] = LocalizedDecimalField(
                label=label,
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=indicator.current,
            )

    @staticmethod
    def indicator_field(indicator) -> str:
        return f"indicator_{indicator.pk}"

    def clean(self):
        cleaned = super().clean()
        self.place_progress_doubts(cleaned)
        return cleaned

    def action_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def indicator_items(self) -> list[dict]:
        """The indicators whose current value changed, as the service takes them
        (each in its own place, so that only the value changes)."""
        items = []
        for indicator in self.indicators:
            value = self.cleaned_data.get(self.indicator_field(indicator))
            if value != indicator.current:
                items.append({"id": indicator.pk, "position": indicator.position, "current": value})
        return items


class PledgeForm(BootstrapFormMixin, forms.ModelForm):
    """A pledge to an action. Its partners pledge for their own organisation, which
    the form then does not ask for (``organisation`` is left out)."""

    class Meta:
        model = Pledge
        fields = ["organisation", "kind", "amount", "unit", "description", "date"]
        field_classes = {"amount": LocalizedDecimalField}
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, action, organisations=None, **kwargs):
        kwargs.setdefault("prefix", "pledge")
        super().__init__(*args, **kwargs)
        self.action = action
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations

    def pledge_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class DeliveryForm(BootstrapFormMixin, forms.ModelForm):
    """One line of a pledge's ledger of deliveries."""

    class Meta:
        model = Delivery
        fields = ["amount", "date", "note"]
        field_classes = {"amount": LocalizedDecimalField}
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, pledge, **kwargs):
        kwargs.setdefault("prefix", f"delivery{pledge.pk}")
        kwargs.setdefault("instance", Delivery(pledge=pledge))
        super().__init__(*args, **kwargs)
        self.pledge = pledge

    def delivery_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
