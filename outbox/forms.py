from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Kind


class MailSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Mail I want to get"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language of my mail"),
        choices=[("", _("the working language of my organisation's city")), *settings.LANGUAGES],
        required=False,
    )
