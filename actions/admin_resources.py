"""The admin of an action's resources: funding lines and pledges as inlines of the
action (``RESOURCE_INLINES``, in ActionAdmin), a pledge's page with its ledger of
deliveries, and a list of funding lines to look up.

Every write goes through ``actions.services`` (funding_line_create / update /
delete, pledge_create / update, delivery_record), so that the rules, the
history and the version check are the same as everywhere; the forms check the
same rules first, to place their errors on the fields.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import F, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import CityScopedAdmin, ScopedInline, related_filter
from core.admin_versions import VersionedAdminForm
from core.forms import LOCALIZED_DECIMALS
from core.numbers import format_number
from core.versions import as_version

from . import services
from .admin_rows import (
    EditedInTheirActionAdmin,
    ServiceRefused,
    editable_roadmaps,
    refusals_as_form_errors,
)
from .models import Delivery, FundingLine, Pledge, pledges_with_delivered
from .services.resources import DELIVERY_FIELDS, FUNDING_LINE_FIELDS, PLEDGE_FIELDS

__all__ = ["RESOURCE_INLINES", "FundingLineAdmin", "PledgeAdmin"]


def _place(form, errors: dict[str, list[str]]) -> None:
    for name, field_messages in errors.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)


class _RuleCheckedForm(VersionedAdminForm):
    """A resource's admin form: the version it was opened at (a stale save is
    refused), and the service's rules checked in ``clean`` to place their errors."""

    def service_errors(self, action, cleaned_data) -> dict[str, list[str]]:
        return {}

    def clean(self):
        cleaned_data = super().clean()
        action = cleaned_data.get("action") or getattr(self.instance, "action", None)
        if action is not None and action.pk is not None:
            _place(self, self.service_errors(action, cleaned_data))
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


def _opened_version(form) -> int | None:
    """The version the user opened the row at, as the form sent it."""
    return as_version(form["version"].data) if "version" in form.fields else None


class _ServiceFormSet(BaseInlineFormSet):
    """An inline formset whose rows are written by the services, as ``by``."""

    by = None
    fields_written: tuple[str, ...] = ()

    def _data(self, form) -> dict:
        return {name: form.cleaned_data.get(name) for name in self.fields_written}

    def _form_of(self, obj):
        return next(form for form in self.initial_forms if form.instance.pk == obj.pk)


class FundingLineFormSet(_ServiceFormSet):
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
                expected_version=_opened_version(form),
            )

    def delete_existing(self, obj, commit=True):
        with refusals_as_form_errors():
            services.funding_line_delete(
                funding_line=obj, by=self.by, expected_version=_opened_version(self._form_of(obj))
            )


class PledgeFormSet(_ServiceFormSet):
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
                expected_version=_opened_version(form),
            )

    def delete_existing(self, obj, commit=True):
        with refusals_as_form_errors():
            services.pledge_delete(
                pledge=obj, by=self.by, expected_version=_opened_version(self._form_of(obj))
            )


class _ServiceInline(ScopedInline):
    """An inline that hands its formset the user the services write as; its
    amounts typed and shown as the pages write them ("10 000", not "10000.00")."""

    formfield_overrides = LOCALIZED_DECIMALS

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"by": request.user, "request": request})


class FundingLineInline(_ServiceInline, admin.TabularInline):
    model = FundingLine
    form = FundingLineForm
    formset = FundingLineFormSet
    fields = ("funder", "programme", "amount", "currency", "status", "note")
    extra = 0


class PledgeInline(_ServiceInline, admin.TabularInline):
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


# --- A pledge and its ledger -----------------------------------------------------------------


class DeliveryForm(VersionedAdminForm):
    """A line of the ledger, with the version it was opened at."""


class DeliveryFormSet(_ServiceFormSet):
    """The lines of the ledger: new ones recorded through ``delivery_record``, the
    recorded ones corrected (``delivery_update``) or removed (``delivery_delete``),
    each refused if it moved on since the page was opened."""

    fields_written = DELIVERY_FIELDS
    request = None

    def _warn(self, recorded) -> None:
        for warning in recorded.warnings:
            messages.warning(self.request, warning)

    def save_new(self, form, commit=True):
        with refusals_as_form_errors():
            recorded = services.delivery_record(
                pledge=self.instance, data=self._data(form), by=self.by
            )
        self._warn(recorded)
        return recorded.delivery

    def save_existing(self, form, obj, commit=True):
        with refusals_as_form_errors():
            recorded = services.delivery_update(
                delivery=obj,
                data=self._data(form),
                by=self.by,
                expected_version=_opened_version(form),
            )
        self._warn(recorded)
        return recorded.delivery

    def delete_existing(self, obj, commit=True):
        with refusals_as_form_errors():
            services.delivery_delete(
                delivery=obj, by=self.by, expected_version=_opened_version(self._form_of(obj))
            )


class DeliveryInline(_ServiceInline, admin.TabularInline):
    model = Delivery
    form = DeliveryForm
    formset = DeliveryFormSet
    fields = ("date", "amount", "note")
    extra = 1


class DeliveryStatusFilter(admin.SimpleListFilter):
    """A pledge by what was delivered of it: nothing yet, part, all, or more."""

    title = _("delivered")
    parameter_name = "delivered"

    def lookups(self, request, model_admin):
        return (
            ("none", _("nothing yet")),
            ("part", _("in part")),
            ("all", _("in full")),
            ("more", _("more than pledged")),
        )

    def queryset(self, request, queryset):
        # ``delivered`` is the ledger's sum (PledgeAdmin.get_queryset).
        conditions = {
            "none": Q(delivered=0),
            "part": Q(delivered__gt=0, delivered__lt=F("amount")),
            "all": Q(delivered=F("amount"), amount__gt=0),
            "more": Q(delivered__gt=F("amount")),
        }
        condition = conditions.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


class _SavedThroughServices:
    """A service's refusal at save time (a race the form's checks did not see) is
    shown as a message on the page again, the admin's transaction rolled back."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            for message in refused.error.messages:
                messages.error(request, message)
            return redirect(request.get_full_path())


@admin.register(Pledge)
class PledgeAdmin(
    _SavedThroughServices, CityScopedHistoryAdmin, CityScopedAdmin, SimpleHistoryAdmin
):
    form = PledgeForm
    list_display = (
        "organisation",
        "action",
        "kind",
        "amount_pledged",
        "amount_delivered",
        "date",
    )
    list_filter = (
        "kind",
        "unit",
        DeliveryStatusFilter,
        ("organisation", related_filter("city")),
        ("action__roadmap", related_filter("city")),
    )
    list_select_related = ("organisation__city", "action")
    search_fields = ("organisation__name", "action__title", "description")
    date_hierarchy = "date"
    ordering = ("-date", "pk")
    fields = ("action", "organisation", "kind", "amount", "unit", "description", "date")
    inlines = (DeliveryInline,)
    formfield_overrides = LOCALIZED_DECIMALS

    def scope(self, request) -> Q:
        return editable_roadmaps(request, prefix="action__roadmap__")

    def get_queryset(self, request):
        return pledges_with_delivered(super().get_queryset(request))

    @admin.display(description=_("pledged"), ordering="amount")
    def amount_pledged(self, obj):
        return f"{format_number(obj.amount)} {obj.get_unit_display()}"

    @admin.display(description=_("delivered"), ordering="delivered")
    def amount_delivered(self, obj):
        return f"{format_number(obj.delivered)} {obj.get_unit_display()}"

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # A pledge stays with its action.
        return readonly if obj is None else (*readonly, "action")

    def delete_model(self, request, obj):
        # The page asked "are you sure?" of the pledge as it is now: its version.
        with refusals_as_form_errors():
            services.pledge_delete(pledge=obj, by=request.user, expected_version=obj.version)

    def get_actions(self, request):
        # One pledge at a time, each through pledge_delete, which may refuse it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            for message in refused.error.messages:
                messages.error(request, message)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in PLEDGE_FIELDS}
        with refusals_as_form_errors():
            if change:
                saved = services.pledge_update(
                    pledge=obj,
                    data=data,
                    by=request.user,
                    expected_version=as_version(form.cleaned_data.get("version")),
                )
            else:
                saved = services.pledge_create(
                    action=form.cleaned_data["action"], data=data, by=request.user
                )
        # The admin goes on with ``obj`` (inlines, log entry, redirect).
        for field in Pledge._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        # The deliveries' formset writes through delivery_record.
        formset.save()


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
