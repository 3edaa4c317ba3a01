"""A meeting's parts (agenda items, attendance, contributions, next steps): the
inlines of the meeting's page, and their own lists across meetings."""

import functools

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import permissions
from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import CityScopedAdmin, related_filter
from core.admin_versions import VersionedAdmin, VersionedAdminForm
from core.admin_widgets import KnownAutocompleteSelect

from . import admin_actions, admin_views
from .admin_scoping import KeptRecordInline, MeetingScopedAdmin
from .models import AgendaItem, Attendance, Contribution, NextStep


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


def proposals_of(action) -> str:
    """The proposals that created or changed ``action``, linked to their admin pages
    (the row's admin page shows them under "proposed at": ``register_proposed_at``)."""
    produced = action.produced_by.select_related("meeting").order_by("meeting__start", "pk")
    links = format_html_join(
        mark_safe("<br>"),
        '<a href="{}">{}</a>',
        (
            (
                reverse("admin:meetings_contribution_change", args=[contribution.pk]),
                gettext("%(meeting)s, proposal %(position)s")
                % {"meeting": contribution.meeting, "position": contribution.position},
            )
            for contribution in produced
        ),
    )
    return links or "—"
