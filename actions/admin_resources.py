"""The admin of an action's resources: funding lines and pledges as inlines of the
action (``RESOURCE_INLINES``, in ActionAdmin) and a list of funding lines to look
up; a pledge's page with its ledger of deliveries is admin_pledges.py's.

Every write goes through ``actions.services`` (funding_line_create / update /
delete, pledge_create / update, delivery_record), so that the rules, the
history and the version check are the same as everywhere; the forms check the
same rules first, to place their errors on the fields.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import CityScopedAdmin, ScopedInline, related_filter
from core.admin_versions import VersionedAdminForm
from core.forms import LOCALIZED_DECIMALS, place_errors
from core.numbers import format_number
from core.versions import as_version

from . import services
from .admin_rows import (
    EditedInTheirActionAdmin,
    refusals_as_form_errors,
)
from .models import FundingLine, Pledge
from .services.resources import FUNDING_LINE_FIELDS, PLEDGE_FIELDS

__all__ = ["RESOURCE_INLINES", "FundingLineAdmin", "PledgeForm", "ServiceFormSet", "ServiceInline"]


class _RuleCheckedForm(VersionedAdminForm):
    """A resource's admin form: the version it was opened at (a stale save is
    refused), and the service's rules checked in ``clean`` to place their errors."""

    def service_errors(self, action, cleaned_data) -> dict[str, list[str]]:
        return {}

    def clean(self):
        cleaned_data = super().clean()
        action = cleaned_data.get("action") or getattr(self.instance, "action", None)
        if action is not None and action.pk is not None:
            errors = self.service_errors(action, cleaned_data)
            if errors:
                place_errors(self, ValidationError(errors))
        return cleaned_data


class FundingLineForm(_RuleCheckedForm):
    def service_errors(self, action, cleaned_data):
        return services.funding_line_errors(
            action=action,
            funder=cleaned_data.get("funder"),
            currency=cleaned_data.get("currency"),
        )


class PledgeForm(_RuleCheckedForm):
    def service_errors(self, action, cleaned_data):
        return services.pledge_errors(action=action, organisation=cleaned_data.get("organisation"))


def opened_version(form) -> int | None:
    """The version the user opened the row at, as the form sent it."""
    return as_version(form["version"].data) if "version" in form.fields else None


class ServiceFormSet(BaseInlineFormSet):
    """An inline formset whose rows are written by the services, as ``by``."""

    by = None
    fields_written: tuple[str, ...] = ()

    def _data(self, form) -> dict:
        return {name: form.cleaned_data.get(name) for name in self.fields_written}

    def _form_of(self, obj):
        return next(form for form in self.initial_forms if form.instance.pk == obj.pk)


class FundingLineFormSet(ServiceFormSet):
    fields_written = FUNDING_LINE_FIELDS

    def save_new(self, form, commit=True):
        with refusals_as_form_errors():
            return services.funding_line_create(
                action=self.instance, data=self._data(form), by=self.by
            )

    def save_existing(self, form, obj, commit=True):
        with refusals_as_form_errors():
            return services.funding_line_update(
                funding_line=obj,
                data=self._data(form),
                by=self.by,
                expected_version=opened_version(form),
            )

    def delete_existing(self, obj, commit=True):
        with refusals_as_form_errors():
            services.funding_line_delete(
                funding_line=obj, by=self.by, expected_version=opened_version(self._form_of(obj))
            )


class PledgeFormSet(ServiceFormSet):
    fields_written = PLEDGE_FIELDS

    def save_new(self, form, commit=True):
        with refusals_as_form_errors():
            return services.pledge_create(action=self.instance, data=self._data(form), by=self.by)

    def save_existing(self, form, obj, commit=True):
        with refusals_as_form_errors():
            return services.pledge_update(
                pledge=obj,
                data=self._data(form),
                by=self.by,
                expected_version=opened_version(form),
            )

    def delete_existing(self, obj, commit=True):
        with refusals_as_form_errors():
            services.pledge_delete(
                pledge=obj, by=self.by, expected_version=opened_version(self._form_of(obj))
            )


class ServiceInline(ScopedInline):
    """An inline that hands its formset the user the services write as; its
    amounts typed and shown as the pages write them ("10 000", not "10000.00")."""

    formfield_overrides = LOCALIZED_DECIMALS
    # Django's tabular inline with each saved row's version in it, which the
    # services check (without it, every save of a saved row was refused as stale).
    template = "admin/edit_inline/tabular_versioned.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"by": request.user, "request": request})


class FundingLineInline(ServiceInline, admin.TabularInline):
    model = FundingLine
    form = FundingLineForm
    formset = FundingLineFormSet
    fields = ("funder", "programme", "amount", "currency", "status", "note")
    extra = 0


class PledgeInline(ServiceInline, admin.TabularInline):
    """A pledge is removed only while nothing was delivered of it (``pledge_delete``)."""

    model = Pledge
    form = PledgeForm
    formset = PledgeFormSet
    fields = ("organisation", "kind", "amount", "unit", "description", "date", "deliveries_link")
    readonly_fields = ("deliveries_link",)
    extra = 0

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:actions_pledge_change", args=[obj.pk]),
            _("Record a delivery"),
        )


# Added to ActionAdmin.inlines, after its indicators.
RESOURCE_INLINES = (FundingLineInline, PledgeInline)


@admin.register(FundingLine)
class FundingLineAdmin(
    EditedInTheirActionAdmin, CityScopedHistoryAdmin, CityScopedAdmin, SimpleHistoryAdmin
):
    """Funding lines across actions, to look up and filter; they are edited in
    their action (the inline, through the services)."""

    edit_in_action_text = _("Edit the funding lines in their action")

    list_display = (
        "funder_display",
        "action",
        "amount_shown",
        "currency",
        "status",
        "edit_in_action",
    )
    list_filter = (
        "status",
        "currency",
        ("funder", related_filter("city")),
        "programme",
        ("action__roadmap", related_filter("city")),
    )
    list_select_related = ("funder", "action")
    search_fields = ("programme", "funder__name", "action__title", "note")
    ordering = ("action__roadmap__title", "action__position", "pk")
    fields = (
        "edit_in_action",
        "action",
        "funder",
        "programme",
        "amount_shown",
        "currency",
        "status",
        "note",
    )
    readonly_fields = (*EditedInTheirActionAdmin.readonly_fields, "amount_shown")

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj):
        return self.shown(format_number(obj.amount))

    @admin.display(description=_("funder"), ordering="programme")
    def funder_display(self, obj):
        return obj.funder_name
