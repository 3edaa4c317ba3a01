"""The browser's forms for correcting what was recorded of an action's resources: a
pledge and a line of its ledger (a delivery). Each carries the version it was
opened at; saving goes through the services (actions.services), which check the
rules again against the row as it is then."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, LocalizedDecimalField

from .forms import DateInput
from .models import Delivery, Pledge
from .services.resources import DELIVERY_FIELDS, PLEDGE_FIELDS


class _Versioned(BootstrapFormMixin, forms.ModelForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("The form is missing the row's version; open the page again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class PledgeCorrectionForm(_Versioned):
    """A pledge, its organisation one that may take part in the roadmap."""

    class Meta:
        model = Pledge
        fields = PLEDGE_FIELDS
        field_classes = {"amount": LocalizedDecimalField}
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = roadmap.eligible_partners().order_by("name")


class DeliveryCorrectionForm(_Versioned):
    class Meta:
        model = Delivery
        fields = DELIVERY_FIELDS
        field_classes = {"amount": LocalizedDecimalField}
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
