from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core import permissions
from core.admin_scoping import (
    CityScopedAdmin,
    CityScopedHistoryAdmin,
    OpenedStateAdmin,
    ScopedInline,
    related_filter,
)

from .cockpit import ContributionCockpitMixin, MeetingCockpitMixin
from .models import AgendaItem, Attendance, Contribution, Meeting, NextStep
from .services import meeting_delete


def _city_meetings(request, prefix: str):
    """Meetings of the user's cities: editors follow them, moderators run them."""
    user = request.user
    return permissions.editable_roadmap_filter(
        user, prefix=prefix
    ) | permissions.meeting_roadmap_filter(user, prefix=prefix)


class MeetingScopedAdmin(CityScopedAdmin):
    """Seeing a meeting (or part of one) is for the city's staff; changing it, for its moderators."""

    def meeting_city_id(self, obj) -> int:
        raise NotImplementedError

    def may_change(self, request, obj) -> bool:
        return self.in_scope(request, obj) and permissions.can_manage_meetings(
            request.user, self.meeting_city_id(obj)
        )


class KeptRecordInline(ScopedInline):
    """The parts of a held meeting are its record: none of them is deleted."""

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
    fields = ("person", "invited", "attended")
    autocomplete_fields = ("person",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person__organisation")


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


@admin.register(Meeting)
class MeetingAdmin(
    MeetingCockpitMixin,
    OpenedStateAdmin,
    CityScopedHistoryAdmin,
    MeetingScopedAdmin,
    SimpleHistoryAdmin,
):
    list_display = ("number", "title", "roadmap", "start", "format", "status", "moderator")
    list_display_links = ("number", "title")
    list_filter = ("status", "format", ("roadmap", related_filter("city")))
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
        (
            _("Moderation"),
            {
                "fields": ("moderator", "summary"),
                "description": _(
                    "The status and the summary change on the page that closes the meeting "
                    "(“Close the meeting”, then “Approve the minutes”)."
                ),
            },
        ),
    )
    # Only meeting_close moves a meeting on and writes its summary: it checks
    # that the meeting took place and records who closed it.
    readonly_fields = ("status", "summary", "agenda_total")
    inlines = (AgendaItemInline, AttendanceInline, ContributionInline, NextStepInline)

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

    def scope(self, request):
        return _city_meetings(request, prefix="roadmap__")

    def choice_scope(self, request):
        return permissions.meeting_roadmap_filter(request.user, prefix="roadmap__")

    def meeting_city_id(self, obj):
        return obj.roadmap.city_id

    # A held meeting is the record of what the group decided: the admin offers
    # no way to delete it, and every deletion goes through meeting_delete.

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_deletable)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions[name] = (_delete_planned_meetings, name, description)
        return actions

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Its proposals became rows of this roadmap's Action Table.
            readonly = (*readonly, "roadmap")
        return readonly

    def delete_model(self, request, obj):
        try:
            meeting_delete(meeting=obj, by=request.user)
        except ValidationError as error:
            # Closed by somebody else since the page asked: a 403, not a 500.
            raise PermissionDenied(" ".join(error.messages)) from error

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for meeting in queryset.select_related("roadmap"):
                meeting_delete(meeting=meeting, by=request.user)


def _refuse_kept(modeladmin, request, kept: list) -> None:
    modeladmin.message_user(
        request,
        _(
            "Nothing was deleted: held meetings are kept as the record of what the "
            "working group decided (%(meetings)s)."
        )
        % {"meetings": ", ".join(str(meeting) for meeting in kept)},
        messages.ERROR,
    )


def _delete_planned_meetings(modeladmin, request, queryset):
    """Django's "delete selected", refused before it asks when a held meeting is among them."""
    kept = [meeting for meeting in queryset if not meeting.is_deletable]
    if kept:
        _refuse_kept(modeladmin, request, kept)
        return None
    try:
        return delete_selected(modeladmin, request, queryset)
    except ValidationError as error:
        # Held by somebody else between the check and the deletion.
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None


class MeetingPartAdmin(OpenedStateAdmin, MeetingScopedAdmin):
    """What hangs on a meeting; mostly edited inline, listed here across meetings."""

    def scope(self, request):
        return _city_meetings(request, prefix="meeting__roadmap__")

    def meeting_city_id(self, obj):
        return obj.meeting.roadmap.city_id

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_deletable)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions[name] = (_delete_parts_of_planned_meetings, name, description)
        return actions


def _delete_parts_of_planned_meetings(modeladmin, request, queryset):
    """Django's "delete selected" for the parts of meetings, none of a held meeting."""
    kept = {part.meeting for part in queryset.kept().select_related("meeting")}
    if kept:
        _refuse_kept(modeladmin, request, sorted(kept, key=str))
        return None
    return delete_selected(modeladmin, request, queryset)


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
class ContributionAdmin(
    ContributionCockpitMixin, CityScopedHistoryAdmin, MeetingPartAdmin, SimpleHistoryAdmin
):
    list_display = ("short_text", "kind", "meeting", "author", "organisation", "outcome", "action")
    list_select_related = ("meeting", "author__organisation", "organisation", "action")
    list_filter = ("kind", "outcome", ("meeting", related_filter()))
    search_fields = ("text", "discussion_summary", "author__name", "organisation__name")
    autocomplete_fields = ("author", "organisation", "action")
    ordering = ("-meeting__start", "position")

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
