"""The admin of the Action Table's rows: ActionAdmin, its form and its indicators.

Unlike the other admins, it saves through ``actions.services`` (action_create,
action_update, action_indicators_update, action_delete), so that the rules,
the history and the version check are the browser's; a refusal of the service
is shown as form errors. Registered when ``actions.admin`` imports it.
"""

from collections.abc import Callable
from contextlib import contextmanager

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import permissions
from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import (
    CityScopedAdmin,
    ScopedInline,
    related_filter,
)
from core.forms import LOCALIZED_DECIMALS, IdsMultipleChoiceField, place_errors

from .models import Action, Delivery, FundingLine, Indicator, Pledge
from .services import (
    EDITABLE_FIELDS,
    ActionConflict,
    action_create,
    action_delete,
    action_indicators_update,
    action_update,
    partner_errors,
)


def editable_roadmaps(request, prefix: str = ""):
    return permissions.editable_roadmap_filter(request.user, prefix=prefix)


# Tells where an action was proposed, as HTML (meetings registers it in its ready():
# actions never imports meetings). None: nothing to tell.
_proposed_at: Callable[[Action], str] | None = None


def register_proposed_at(describe: Callable[[Action], str]) -> None:
    global _proposed_at
    _proposed_at = describe


class EditedInTheirActionAdmin:
    """A read-only list of what is edited in its action's admin page (indicators,
    funding lines): a link to that page, and no add, change or delete here.

    Subclasses name the link's text (``edit_in_action_text``); the list scopes by
    the user's editable roadmaps through the action."""

    edit_in_action_text: str
    readonly_fields = ("edit_in_action",)

    def scope(self, request):
        return editable_roadmaps(request, prefix="action__roadmap__")

    @admin.display(description=_("where to edit"))
    def edit_in_action(self, obj):
        if obj is None or obj.action_id is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:actions_action_change", args=[obj.action_id]),
            self.edit_in_action_text,
        )

    def shown(self, text: str) -> str:
        """A value as the action's page writes it (``core.numbers.format_number``:
        "15 000", not Django's "15000,00"), or the admin's empty value."""
        return text or self.get_empty_value_display()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorsGoWithTheirActionMixin:
    """Delete actions without asking for IndicatorAdmin's permission to delete indicators.

    IndicatorAdmin refuses to delete an indicator on its own page (that would
    change its action past the service); an indicator deleted with its action
    is no such change, and the admin's confirmation must not be blocked by it.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Indicator._meta.verbose_name)
        # So do its resources (issue 16): removed with it, kept in their history.
        for part in (FundingLine, Pledge, Delivery):
            perms_needed.discard(part._meta.verbose_name)
        return deleted, counts, perms_needed, protected


# What an indicator holds besides its place in the list; the service numbers
# the list in the order given.
INDICATOR_VALUES = ("name", "unit", "baseline", "target", "current", "source")


class IndicatorInline(ScopedInline, admin.TabularInline):
    """Saved by ActionAdmin.save_related through action_indicators_update, never by the formset."""

    model = Indicator
    fields = ("position", *INDICATOR_VALUES)
    extra = 0
    formfield_overrides = LOCALIZED_DECIMALS


class ActionAdminForm(forms.ModelForm):
    """The admin's Action form: validates like the services, saves through them.

    ``version`` carries the version the user opened, so that a save over
    somebody else's newer one is refused rather than silently lost.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set per request by ActionAdmin.get_form when the service refused a save
    # the form had accepted (a race, or a rule only the service knows).
    service_error: ValidationError | None = None

    class Meta:
        model = Action
        fields = ("roadmap", *EDITABLE_FIELDS)
        field_classes = {"key_partners": IdsMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # The roadmap's partners, as everywhere; a new row's roadmap is chosen
            # in this form, and the service refuses its ineligible partners.
            for name in ("lead_partner", "key_partners"):
                if name in self.fields:
                    self.fields[name].queryset = self.instance.roadmap.eligible_partners()

    def clean(self):
        cleaned_data = super().clean()
        if self.service_error is not None:
            place_errors(self, self.service_error)
            return cleaned_data
        if self.instance.pk:
            self._check_version(cleaned_data.get("version"))
        for name, messages in partner_errors(
            lead_partner=cleaned_data.get("lead_partner"),
            key_partners=cleaned_data.get("key_partners"),
        ).items():
            for message in messages:
                self.add_error(name, message)
        return cleaned_data

    def _check_version(self, opened_version):
        current = (
            Action.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if opened_version is None or opened_version != current:
            raise ValidationError(
                _(
                    "Somebody else saved this action (now version %(version)s) since you "
                    "opened it. Nothing was saved: open the action again to see their "
                    "changes, then make yours."
                ),
                code="conflict",
                params={"version": current},
            )


class ServiceRefused(Exception):
    """Raised from save_model to abandon the admin's transaction and show the form
    again (here, in actions.admin_resources and actions.admin_pledges)."""

    def __init__(self, error: ValidationError):
        self.error = error
        super().__init__(error)


@contextmanager
def refusals_as_form_errors():
    """Turn a service's refusal (a conflict or a rule) into ``ServiceRefused``."""
    try:
        yield
    except ActionConflict as conflict:
        raise ServiceRefused(ValidationError(str(conflict), code="conflict")) from conflict
    except ValidationError as error:
        raise ServiceRefused(error) from error


@admin.register(Action)
class ActionAdmin(
    IndicatorsGoWithTheirActionMixin, CityScopedHistoryAdmin, CityScopedAdmin, SimpleHistoryAdmin
):
    form = ActionAdminForm
    formfield_overrides = LOCALIZED_DECIMALS
    list_display = (
        "title",
        "roadmap",
        "challenge",
        "lead_partner",
        "status",
        "progress",
        "deadline",
        "version",
        "changed_at",
    )
    list_filter = (
        "status",
        "activity_type",
        ("roadmap", related_filter("city")),
        ("lead_partner", related_filter()),
    )
    list_select_related = ("roadmap__city", "challenge", "lead_partner")
    search_fields = ("title", "description", "expected_results", "lead_partner__name")
    autocomplete_fields = ("challenge", "lead_partner", "key_partners")
    date_hierarchy = "deadline"
    ordering = ("roadmap__city__name", "roadmap__title", "position")
    readonly_fields = (
        "position",
        "current_version",
        "created_at",
        "created_by",
        "changed_at",
        "changed_by",
        "proposed_at",
    )
    inlines = (IndicatorInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "roadmap",
                    "challenge",
                    "activity_type",
                    "title",
                    "description",
                )
            },
        ),
        (_("Expected results"), {"fields": ("expected_results",)}),
        (
            _("Necessary resources"),
            {"fields": ("resources", ("budget", "currency"), "people_days", "in_kind")},
        ),
        (_("Partners"), {"fields": ("lead_partner", "key_partners")}),
        (_("Timing and progress"), {"fields": (("start_date", "deadline"), "status", "progress")}),
    )

    record_fieldset = (
        _("Record"),
        {
            "fields": (
                "position",
                "current_version",
                "proposed_at",
                ("created_at", "created_by"),
                ("changed_at", "changed_by"),
            ),
            "classes": ("collapse",),
        },
    )

    def scope(self, request):
        return editable_roadmaps(request, prefix="roadmap__")

    @admin.display(description=_("version"))
    def current_version(self, obj):
        return obj.version

    @admin.display(description=_("proposed at"))
    def proposed_at(self, obj):
        """Where the row was proposed, as the app that knows tells it (meetings: the
        proposals that created or changed it, linked; ``register_proposed_at``)."""
        return _proposed_at(obj) if _proposed_at is not None else "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # A new row has no record yet; the service gives it its position.
        return fieldsets if obj is None else (*fieldsets, self.record_fieldset)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            # The services move no row between roadmaps.
            readonly = (*readonly, "roadmap")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        # ``version`` is the form's own hidden field (the model's is not
        # editable), rendered by templates/admin/change_form.html.
        form = super().get_form(request, obj, change=change, **kwargs)
        form.service_error = getattr(request, "_action_service_error", None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The admin's transaction is rolled back by now; render the same
            # POST again, with the service's answer as form errors.
            request._action_service_error = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.fields}
        with refusals_as_form_errors():
            if change:
                saved = action_update(
                    action=obj,
                    data=data,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            else:
                saved = action_create(
                    roadmap=form.cleaned_data["roadmap"], data=data, by=request.user
                )
        # The admin goes on with ``obj`` (inlines, log entry, redirect).
        for field in Action._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Key partners went to the service with the rest of the row;
        # form.save_m2m() would set them again behind its back.
        for formset in formsets:
            if formset.model is Indicator:
                self._save_indicators(request, form.instance, formset)
            else:
                self.save_formset(request, form, formset, change=change)

    def _save_indicators(self, request, obj, formset):
        """Send the inline's indicators to the service as one change of the row.

        Runs after save_model, in the same transaction, so the version to check
        is the one the row has now: the user's, or the one the row's own save
        just gave it. A refusal abandons the row's save too.
        """
        deleted_forms = formset.deleted_forms if formset.can_delete else []
        kept, deleted = [], []
        # What the admin's change message and log entry read, as formset.save() would set it.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for index, indicator_form in enumerate(formset.forms):
            instance = indicator_form.instance
            existing = index < formset.initial_form_count()
            if indicator_form in deleted_forms:
                if existing:
                    deleted.append({"id": instance.pk, "delete": True})
                    formset.deleted_objects.append(instance)
                continue
            if not existing and not indicator_form.has_changed():
                continue  # an empty extra form
            values = {name: indicator_form.cleaned_data.get(name) for name in INDICATOR_VALUES}
            if existing:
                values["id"] = instance.pk
                if indicator_form.has_changed():
                    formset.changed_objects.append((instance, indicator_form.changed_data))
            else:
                formset.new_objects.append(instance)
            kept.append((indicator_form.cleaned_data.get("position") or 0, index, values))
        if not (formset.new_objects or formset.changed_objects or formset.deleted_objects):
            return
        indicators = [values for _position, _index, values in sorted(kept, key=lambda k: k[:2])]
        with refusals_as_form_errors():
            saved = action_indicators_update(
                action=obj,
                indicators=[*indicators, *deleted],
                by=request.user,
                expected_version=obj.version,
            )
        for field in Action._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def delete_model(self, request, obj):
        action_delete(action=obj, by=request.user, expected_version=obj.version)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for action in queryset.select_related("roadmap"):
                action_delete(action=action, by=request.user, expected_version=action.version)
