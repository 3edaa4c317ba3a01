from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, IdsMultipleChoiceField, LocalizedDecimalField

from .models import DATE_FIELDS, Action, Indicator
from .services import EDITABLE_FIELDS, partner_errors, progress_doubts


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class RowFormMixin:
    """What the staff's and the partners' row forms share: a status and a progress
    that ``progress_doubts`` questions are kept only once confirmed
    (``confirm_progress``), and the hidden fields' errors shown above the row."""

    needs_confirmation = False

    def place_progress_doubts(self, cleaned: dict) -> None:
        doubts = progress_doubts(status=cleaned.get("status"), progress=cleaned.get("progress"))
        if doubts and not cleaned.get("confirm_progress"):
            self.needs_confirmation = True
            for message in doubts:
                self.add_error("progress", message)

    def hidden_field_errors(self) -> list[str]:
        """Errors of the hidden fields (the version), which no visible field shows."""
        return [error for field in self.hidden_fields() for error in field.errors]


class ActionForm(RowFormMixin, BootstrapFormMixin, forms.ModelForm):
    """One Action Table row, and the version the editor started from.

    The form validates the input (so errors show beside their fields); saving
    goes through the services, which validate again against the row as it is
    in the database at that moment.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("The form is missing the row's version; open the action again."),
            "invalid": _("The form is missing the row's version; open the action again."),
            "min_value": _("The form is missing the row's version; open the action again."),
        },
    )
    # Ticked to keep a status and a progress that progress_doubts questions.
    confirm_progress = forms.BooleanField(
        required=False, label=_("Yes, keep this status and this progress")
    )
    # Shown in wider columns (templates/actions/_action_form_fields.html).
    wide_fields = ("description", "expected_results", "resources", "in_kind", "key_partners")

    class Meta:
        model = Action
        fields = list(EDITABLE_FIELDS)
        field_classes = {
            "key_partners": IdsMultipleChoiceField,
            "budget": LocalizedDecimalField,
            "people_days": LocalizedDecimalField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 3}),
            "in_kind": forms.Textarea(attrs={"rows": 2}),
            "start_date": DateInput(),
            "deadline": DateInput(),
            "key_partners": forms.SelectMultiple(attrs={"size": 6, "data-searchable": "true"}),
        }

    def __init__(self, *args, roadmap, **kwargs):
        # Several rows can be open at once beside the filter form: ids must differ.
        instance = kwargs.get("instance")
        kwargs.setdefault("auto_id", f"id_action{getattr(instance, 'pk', None) or 'new'}_%s")
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.fields["challenge"].queryset = roadmap.challenges.all()
        organisations = roadmap.eligible_partners().order_by("name")
        self.fields["lead_partner"].queryset = organisations
        self.fields["key_partners"].queryset = organisations
        self.fields["key_partners"].help_text = _(
            "Type to narrow the list; hold Ctrl (⌘ on a Mac) to choose several, or on a "
            "phone tap each one."
        )
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.instance.pk:
            # A new row has no version yet; the service starts it at 1.
            self.fields["version"].required = False

    def clean(self):
        cleaned = super().clean()
        for name, messages in partner_errors(
            lead_partner=cleaned.get("lead_partner"), key_partners=cleaned.get("key_partners")
        ).items():
            for message in messages:
                self.add_error(name, message)
        # The database's constraint on the dates, its message beside the deadline.
        dates = Action(start_date=cleaned.get("start_date"), deadline=cleaned.get("deadline"))
        for message in dates.constraint_errors(fields=DATE_FIELDS):
            self.add_error("deadline", message)
        self.place_progress_doubts(cleaned)
        return cleaned

    def action_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class IndicatorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "current", "source"]
        field_classes = {
            "baseline": LocalizedDecimalField,
            "target": LocalizedDecimalField,
            "current": LocalizedDecimalField,
        }


IndicatorFormSet = forms.inlineformset_factory(
    Action, Indicator, form=IndicatorForm, extra=1, can_delete=True
)
