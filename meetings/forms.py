"""Forms of the moderator's cockpit (the meeting pages in the admin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Action, Challenge, Pledge
from core.versions import as_version
from stakeholders.models import Organisation


class ProposalRowForm(forms.Form):
    """The new Action Table row, prefilled from the proposal; the moderator may adjust it."""

    title = forms.CharField(label=_("title"), max_length=300)
    activity_type = forms.ChoiceField(label=_("type of activity"), choices=Action.ActivityType)
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False)
    expected_results = forms.CharField(
        label=_("expected results"), widget=forms.Textarea, required=False
    )
    challenge = forms.ModelChoiceField(
        label=_("challenge"), queryset=Challenge.objects.none(), required=False
    )
    lead_partner = forms.ModelChoiceField(
        label=_("lead partner"), queryset=Organisation.objects.none(), required=False
    )
    key_partners = forms.ModelMultipleChoiceField(
        label=_("key partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    deadline = forms.DateField(
        label=_("deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class MeetingCloseForm(forms.Form):
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 8}))
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


class CarryForwardForm(forms.Form):
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


class ContributionPledgeForm(forms.Form):
    """The pledge a contribution made, prefilled from it; the moderator completes it.
    The rules (who may pledge, which unit fits the kind) are the pledge services'."""

    action = forms.ModelChoiceField(label=_("action"), queryset=Action.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("kind of contribution"), choices=Pledge.Kind.choices)
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, localize=True)
    unit = forms.ChoiceField(label=_("unit"), choices=Pledge.Unit.choices)
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False)
    date = forms.DateField(
        label=_("date pledged"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, roadmap=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roadmap is None:
            return
        self.fields["action"].queryset = roadmap.actions.order_by("position", "pk")
        self.fields["organisation"].queryset = roadmap.eligible_partners().order_by("name")
