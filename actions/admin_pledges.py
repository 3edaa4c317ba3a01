"""A pledge's admin page with its ledger of deliveries, and the pledges' list.

Every write goes through ``actions.services`` (pledge_create / update / delete,
delivery_record / update / delete), with the version the page was opened at.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import F, Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import CityScopedAdmin, related_filter
from core.admin_versions import VersionedAdminForm
from core.forms import LOCALIZED_DECIMALS
from core.versions import as_version

from . import services
from .admin_resources import PledgeForm, ServiceFormSet, ServiceInline, opened_version
from .admin_rows import ServiceRefused, editable_roadmaps, refusals_as_form_errors
from .models import Delivery, Pledge, pledges_with_delivered
from .services.resources import DELIVERY_FIELDS, PLEDGE_FIELDS

__all__ = ["PledgeAdmin"]


class DeliveryForm(VersionedAdminForm):
    """A line of the ledger, with the version it was opened at."""


class DeliveryFormSet(ServiceFormSet):
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
                expected_version=opened_version(form),
            )
        self._warn(recorded)
        return recorded.delivery

    def delete_existing(self, obj, commit=True):
        with refusals_as_form_errors():
            services.delivery_delete(
                delivery=obj, by=self.by, expected_version=opened_version(self._form_of(obj))
            )


class DeliveryInline(ServiceInline, admin.TabularInline):
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
        return obj.amount_text()

    @admin.display(description=_("delivered"), ordering="delivered")
    def amount_delivered(self, obj):
        return obj.amount_text(obj.delivered)

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
