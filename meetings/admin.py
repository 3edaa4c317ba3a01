import functools

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import path
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core import permissions
from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import (
    CityScopedAdmin,
    ScopedInline,
    related_filter,
)
from core.admin_versions import VersionedAdmin, VersionedAdminForm
from core.admin_widgets import KnownAutocompleteSelect

from . import admin_actions, admin_views, services
from .forms import carry_forward_field
from .models import AgendaItem, Attendance, Contribution, Meeting, NextStep


class MeetingScopedAdmin:
    """Seeing a meeting (or part of one) is for the city's staff; changing it, for its moderators.

    Mixed in before CityScopedAdmin, whose ``in_scope`` it narrows.
    """

    def meeting_city_id(self, obj) -> int:
        raise NotImplementedError

    # A held meeting and its parts are the record of what the group decided:
    # the admin deletes neither (the models refuse too), and its "delete selected"
    # is replaced by this one, which says which meetings are kept.
    delete_selected_action = None

    def may_change(self, request, obj) -> bool:
        return self.in_scope(request, obj) and permissions.can_manage_meetings(
            request.user, self.meeting_city_id(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_deletable)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions[name] = (self.delete_selected_action, name, description)
        return actions


class KeptRecordInline(ScopedInline):
    """The parts of a held meeting are its record: none of them is deleted."""

    def get_queryset(self, request):
        # Each row's name and delete check read its meeting: one join, not a query a row.
        return super().get_queryset(request).select_related("meeting")

    def has_delete_permission(self, request, obj=None):
        # ``obj`` is the meeting the inline rows belong to.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_deletable)


class AgendaItemInline(KeptRecordInline, admin.TabularInline):
    model = AgendaItem
    fields = ("position", "title", "duration_minutes", "presenter")
    autocomplete_fields = ("presenter",)
    extra = 0


class AttendanceInline(KeptRecordInline, admin.TabularInline):
    model = Attendance
    fields = ("person", "organisation", "consent", "invited", "attended")
    readonly_fields = ("organisation", "consent")
    autocomplete_fields = ("person",)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class KnownPeopleFormSet(formset):
            """Label each row's person from the rows read, not by a query per row."""

            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                person = form.instance.person if form.instance.pk else None
                widget = getattr(form.fields["person"].widget, "widget", None)
                if person is not None and isinstance(widget, KnownAutocompleteSelect):
                    widget.known = {str(person.pk): str(person)}
                return form

        return KnownPeopleFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person" and "widget" not in kwargs:
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        return obj.person.organisation if obj.pk else "—"

    @admin.display(description=_("consents to be contacted"), boolean=True)
    def consent(self, obj):
        return obj.person.consent_to_contact if obj.pk else None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "person__organisation")


class ContributionInline(KeptRecordInline, admin.StackedInline):
    model = Contribution
    fields = (
        ("position", "kind", "outcome"),
        ("author", "organisation"),
        "text",
        "action",
        "discussion_summary",
    )
    autocomplete_fields = ("author", "organisation", "action")
    extra = 0


class NextStepInline(KeptRecordInline, admin.TabularInline):
    model = NextStep
    fields = (
        "position",
        "description",
        "responsible_organisation",
        "responsible_person",
        "due_date",
        "done",
    )
    autocomplete_fields = ("responsible_organisation", "responsible_person")
    extra = 0


class MeetingAdminForm(VersionedAdminForm):
    # Offered on the add form only (MeetingAdmin.get_fieldsets); run once the
    # inlines are saved (MeetingAdmin.save_related).
    carry_forward = carry_forward_field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["carry_forward"]


@admin.register(Meeting)
class MeetingAdmin(
    VersionedAdmin, CityScopedHistoryAdmin, MeetingScopedAdmin, CityScopedAdmin, SimpleHistoryAdmin
):
    form = MeetingAdminForm
    delete_selected_action = staticmethod(admin_actions.delete_planned_meetings)
    change_form_template = "meetings/admin/meeting_change_form.html"
    actions = (
        admin_actions.accept_meeting_proposals,
        admin_actions.carry_forward,
        admin_actions.invite_working_group,
        admin_actions.send_invitations,
        admin_actions.download_minutes,
    )
    # Short enough for a 1366 px laptop: the title cut, the roadmap named by its city.
    list_display = ("number", "short_title", "city", "start", "format", "status", "moderator")
    list_display_links = ("number", "short_title")
    list_filter = (
        "status",
        "format",
        ("roadmap", related_filter("city")),
        admin_actions.LateMinutesFilter,
    )
    list_select_related = ("roadmap__city", "moderator__organisation")
    search_fields = ("title", "phase", "summary", "roadmap__title")
    autocomplete_fields = ("moderator",)
    date_hierarchy = "start"
    ordering = ("-start",)
    field_scopes = {
        "roadmap": lambda request: permissions.meeting_roadmap_filter(request.user),
    }
    fieldsets = (
        (None, {"fields": ("roadmap", ("number", "title"), "phase", "status", "agenda_total")}),
        (_("When and where"), {"fields": (("start", "end"), "format", "place", "link")}),
        (_("Reminder"), {"fields": (("reminder_on", "reminder_hours"),)}),
        (
            _("Moderation"),
            {
                "fields": ("moderator", "summary"),
                # The steps named as their button names them (one wording).
                "description": format_lazy(
                    _(
                        "The status and the summary change on the page that closes the meeting: {close}, then {approve}."
                    ),
                    close=_("Close the meeting"),
                    approve=_("Approve the minutes"),
                ),
            },
        ),
    )
    # Only meeting_close moves a meeting on and writes its summary: it checks
    # that the meeting took place and records who closed it.
    readonly_fields = ("status", "summary", "agenda_total")
    inlines = (AgendaItemInline, AttendanceInline, ContributionInline, NextStepInline)

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj):
        return Truncator(obj.title).chars(60)

    @admin.display(description=_("city"), ordering="roadmap__city__name")
    def city(self, obj):
        return obj.roadmap.city

    @admin.display(description=_("agenda in all"))
    def agenda_total(self, obj):
        """The agenda's items and their minutes added up, as saved."""
        if obj is None or obj.pk is None:
            return _("Save the meeting to see its agenda's length.")
        totals = obj.agenda_items.aggregate(items=Count("pk"), minutes=Sum("duration_minutes"))
        if not totals["items"]:
            return _("No agenda yet.")
        minutes = totals["minutes"] or 0
        return ", ".join(
            (
                ngettext("%(count)s item", "%(count)s items", totals["items"])
                % {"count": totals["items"]},
                ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes)
                % {"minutes": minutes},
            )
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/close/",
                view(functools.partial(admin_views.meeting_close, self)),
                name="meetings_meeting_close",
            ),
            path(
                "<path:object_id>/carry-forward/",
                view(functools.partial(admin_views.meeting_carry_forward, self)),
                name="meetings_meeting_carry_forward",
            ),
            path(
                "<path:object_id>/invite-working-group/",
                view(functools.partial(admin_views.meeting_invite, self)),
                name="meetings_meeting_invite",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        meeting = self.get_object(request, unquote(object_id))
        extra = {**admin_views.meeting_cockpit_context(meeting), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def scope(self, request):
        return permissions.meeting_filter(request.user)

    def choice_scope(self, request):
        return permissions.meeting_roadmap_filter(request.user, prefix="roadmap__")

    def meeting_city_id(self, obj):
        return obj.roadmap.city_id

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = [*fieldsets, (_("Carry-forward"), {"fields": ["carry_forward"]})]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Its proposals became rows of this roadmap's Action Table.
            readonly = (*readonly, "roadmap")
        return readonly

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        if not change and form.cleaned_data.get("carry_forward"):
            admin_actions.carry_forward_after_add(request, meeting)
        admin_actions.warn_attendance_outside_working_group(request, meeting)

    def delete_model(self, request, obj):
        try:
            services.meeting_delete(meeting=obj, by=request.user)
        except ValidationError as error:
            # Closed by somebody else since the page asked: a 403, not a 500.
            raise PermissionDenied(" ".join(error.messages)) from error

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for meeting in queryset.select_related("roadmap"):
                services.meeting_delete(meeting=meeting, by=request.user)


class MeetingPartAdminForm(VersionedAdminForm):
    version_parents = ("meeting",)  # the meeting's page shows its parts inline


class MeetingPartAdmin(VersionedAdmin, MeetingScopedAdmin, CityScopedAdmin):
    """What hangs on a meeting; mostly edited inline, listed here across meetings."""

    form = MeetingPartAdminForm
    delete_selected_action = staticmethod(admin_actions.delete_parts_of_planned_meetings)

    def scope(self, request):
        return permissions.meeting_filter(request.user, prefix="meeting__")

    def meeting_city_id(self, obj):
        return obj.meeting.roadmap.city_id


@admin.register(AgendaItem)
class AgendaItemAdmin(MeetingPartAdmin, admin.ModelAdmin):
    list_display = ("title", "meeting", "position", "duration_minutes", "presenter")
    list_select_related = ("meeting", "presenter__organisation")
    list_filter = (("meeting", related_filter()),)
    search_fields = ("title", "meeting__title")
    autocomplete_fields = ("presenter",)
    ordering = ("-meeting__start", "position")


@admin.register(Attendance)
class AttendanceAdmin(MeetingPartAdmin, admin.ModelAdmin):
    list_display = ("person", "organisation", "meeting", "invited", "attended")
    list_select_related = ("meeting", "person__organisation")
    list_filter = ("invited", "attended", ("meeting", related_filter()))
    search_fields = ("person__name", "person__organisation__name", "meeting__title")
    autocomplete_fields = ("person",)
    ordering = ("-meeting__start", "person__organisation__name", "person__name")

    @admin.display(description=_("organisation"), ordering="person__organisation__name")
    def organisation(self, obj):
        return obj.person.organisation


@admin.register(Contribution)
class ContributionAdmin(CityScopedHistoryAdmin, MeetingPartAdmin, SimpleHistoryAdmin):
    change_form_template = "meetings/admin/contribution_change_form.html"
    actions = (admin_actions.accept_selected_proposals,)
    list_display = ("short_text", "kind", "meeting", "author", "organisation", "outcome", "action")
    list_select_related = ("meeting", "author__organisation", "organisation", "action")
    list_filter = ("kind", "outcome", ("meeting", related_filter()))
    search_fields = ("text", "discussion_summary", "author__name", "organisation__name")
    autocomplete_fields = ("author", "organisation", "action")
    ordering = ("-meeting__start", "position")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/accept/",
                self.admin_site.admin_view(functools.partial(admin_views.proposal_accept, self)),
                name="meetings_contribution_accept",
            ),
            path(
                "<path:object_id>/pledge/",
                self.admin_site.admin_view(
                    functools.partial(admin_views.contribution_pledge, self)
                ),
                name="meetings_contribution_pledge",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        contribution = self.get_object(request, unquote(object_id))
        extra = {**admin_views.contribution_cockpit_context(contribution), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return Truncator(obj.text).chars(80)


@admin.register(NextStep)
class NextStepAdmin(MeetingPartAdmin, admin.ModelAdmin):
    list_display = (
        "short_description",
        "meeting",
        "responsible_organisation",
        "responsible_person",
        "due_date",
        "done",
    )
    list_select_related = (
        "meeting",
        "responsible_organisation",
        "responsible_person__organisation",
    )
    list_filter = ("done", ("meeting", related_filter()))
    search_fields = ("description", "responsible_organisation__name", "responsible_person__name")
    autocomplete_fields = ("responsible_organisation", "responsible_person")
    date_hierarchy = "due_date"
    ordering = ("-meeting__start", "position")

    @admin.display(description=_("what"))
    def short_description(self, obj):
        return Truncator(obj.description).chars(80)
