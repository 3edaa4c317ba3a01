"""The meeting in the admin: the moderator's cockpit (its inlines, actions and
pages). Its parts' own lists are admin_parts.py's; who sees and changes what,
admin_scoping.py's; the cockpit's actions admin_actions.py, its pages admin_views.py."""

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

from actions.models import Roadmap
from core import permissions
from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import CityScopedAdmin, related_filter
from core.admin_versions import VersionedAdmin, VersionedAdminForm
from stakeholders.models import Person

from . import admin_actions, admin_views, services

# Importing the parts' admins registers them.
from .admin_parts import (
    AgendaItemAdmin,
    AgendaItemInline,
    AttendanceAdmin,
    AttendanceInline,
    ContributionAdmin,
    ContributionInline,
    NextStepAdmin,
    NextStepInline,
)
from .admin_scoping import MeetingScopedAdmin
from .forms import carry_forward_field
from .models import Meeting

__all__ = [
    "AgendaItemAdmin",
    "AttendanceAdmin",
    "ContributionAdmin",
    "MeetingAdmin",
    "NextStepAdmin",
]


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

    def get_changeform_initial_data(self, request):
        """A new meeting's form as the moderator would fill it: they moderate it, and
        where they run one roadmap (or the link names one), it is that roadmap's next
        meeting."""
        initial = super().get_changeform_initial_data(request)
        person = Person.objects.filter(user=request.user).values_list("pk", flat=True).first()
        if person is not None:
            initial.setdefault("moderator", person)
        if "roadmap" not in initial:
            roadmaps = list(
                Roadmap.objects.filter(
                    permissions.meeting_roadmap_filter(request.user)
                ).values_list("pk", flat=True)[:2]
            )
            if len(roadmaps) == 1:
                initial["roadmap"] = roadmaps[0]
        roadmap = initial.get("roadmap")
        if "number" not in initial and str(roadmap).isdigit():
            initial["number"] = Meeting.objects.next_number(int(roadmap))
        return initial

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
