"""Forms of the moderator's cockpit (the meeting pages in the admin)."""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.db.models import BLANK_CHOICE_DASH
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from actions.models import Action, Challenge, Pledge
from core.admin_widgets import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple
from core.forms import IdsMultipleChoiceField, LocalizedDecimalField
from core.versions import as_version
from stakeholders.models import Organisation


class AdminDress:
    """A cockpit page's form as the admin's own forms look: labels capitalised as
    the admin writes a field's name, required ones marked (forms.css bolds them)."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)


# A proposal's texts are a few lines: the page keeps its fields in one screen.
_ROWS = {"rows": 4}


class ProposalRowForm(AdminDress, forms.Form):
    """The new Action Table row, prefilled from the proposal; the moderator may adjust it.

    In the admin's own dress: its text boxes, its calendar for the deadline, and the
    partners searched as on the row's admin page (ActionAdmin's autocompletes; the
    page loads the form's media). Django's two-list chooser would show its help in
    English: Django has no Bulgarian for it."""

    title = forms.CharField(
        label=_("title"),
        max_length=300,
        widget=admin_widgets.AdminTextInputWidget(attrs={"class": "vLargeTextField"}),
    )
    activity_type = forms.ChoiceField(label=_("type of activity"), choices=Action.ActivityType)
    description = forms.CharField(
        label=_("description"), widget=admin_widgets.AdminTextareaWidget(_ROWS), required=False
    )
    expected_results = forms.CharField(
        label=_("expected results"),
        widget=admin_widgets.AdminTextareaWidget(_ROWS),
        required=False,
    )
    challenge = forms.ModelChoiceField(
        label=_("challenge"), queryset=Challenge.objects.none(), required=False
    )
    lead_partner = forms.ModelChoiceField(
        label=_("lead partner"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=SafeAutocompleteSelect(Action._meta.get_field("lead_partner"), admin.site),
    )
    key_partners = IdsMultipleChoiceField(
        label=_("key partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=SafeAutocompleteSelectMultiple(Action._meta.get_field("key_partners"), admin.site),
    )
    deadline = forms.DateField(
        label=_("deadline"), required=False, widget=admin_widgets.AdminDateWidget
    )

    def __init__(self, *args, roadmap=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roadmap is None:
            # Without a roadmap (a form checked on its own), no choices are offered.
            return
        self.fields["challenge"].queryset = roadmap.challenges.all()
        organisations = roadmap.eligible_partners().order_by("name")
        self.fields["lead_partner"].queryset = organisations
        self.fields["key_partners"].queryset = organisations

    def action_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class MeetingCloseForm(AdminDress, forms.Form):
    summary = forms.CharField(
        label=_("summary"), widget=admin_widgets.AdminTextareaWidget(attrs={"rows": 8})
    )
    approve_minutes = forms.BooleanField(
        label=_("approve the minutes"),
        required=False,
        help_text=_("Leave unticked to mark the meeting held; tick once the minutes are agreed."),
    )
    # Ticked to close a meeting that services.closing_doubts questions.
    confirm_as_it_is = forms.BooleanField(
        label=_("yes, close it as it is"), required=False, widget=forms.HiddenInput
    )
    # The meeting's version as the page showed it (lost-update check).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def ask(self, doubts: list[str]) -> None:
        """Show ``doubts`` and the box that answers them."""
        self.fields["confirm_as_it_is"].widget = forms.CheckboxInput()
        for doubt in doubts:
            self.add_error(None, doubt)

    def clean_version(self) -> int:
        # A page without it (an old page) is checked as stale, not skipped:
        # no meeting has version 0.
        return as_version(self.cleaned_data["version"]) or 0


class CarryForwardForm(AdminDress, forms.Form):
    carry_next_steps = forms.BooleanField(
        label=_("carry the open next steps into this meeting"), required=False, initial=True
    )


# Added to the meeting's add form in the admin (meetings.admin.MeetingAdminForm).
carry_forward_field = forms.BooleanField(
    label=_("start with a review of the previous meeting"),
    required=False,
    initial=True,
    help_text=_(
        "Adds a first agenda item “Review of previous results” listing the open next steps of "
        "the roadmap's last meeting and the actions overdue or changed since, and carries those "
        "open next steps into this meeting."
    ),
)


class ContributionPledgeForm(AdminDress, forms.Form):
    """The pledge a contribution made, prefilled from it; the moderator completes it.
    The rules (who may pledge, which unit fits the kind) are the pledge services'."""

    action = forms.ModelChoiceField(label=_("action"), queryset=Action.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )
    # No kind or unit chosen for the moderator (as on the action page's pledge form):
    # the first of the list ("cash", "BGN") was taken whatever the contribution said.
    kind = forms.ChoiceField(
        label=_("kind of contribution"), choices=[*BLANK_CHOICE_DASH, *Pledge.Kind.choices]
    )
    # Typed as the pages take it ("15 000,50"), as the action page's pledge form does.
    amount = LocalizedDecimalField(label=_("amount"), max_digits=14, decimal_places=2)
    unit = forms.ChoiceField(label=_("unit"), choices=[*BLANK_CHOICE_DASH, *Pledge.Unit.choices])
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False)
    date = forms.DateField(
        label=_("date pledged"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, roadmap=None, organisation_note: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Why the organisation is to be chosen (``services.pledge_organisation_note``).
        self.fields["organisation"].help_text = organisation_note
        if roadmap is None:
            return
        self.fields["action"].queryset = roadmap.actions.order_by("position", "pk")
        self.fields["organisation"].queryset = roadmap.eligible_partners().order_by("name")
