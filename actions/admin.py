from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import CityScopedHistoryAdmin
from core.admin_scoping import (
    CityScopedAdmin,
    ScopedInline,
    related_filter,
)
from core.admin_versions import VersionedAdmin, VersionedAdminForm

# Importing ActionAdmin registers it (bench/ imports it from here too).
from .admin_pledges import PledgeAdmin
from .admin_resources import RESOURCE_INLINES, FundingLineAdmin
from .admin_rows import (
    ActionAdmin,
    EditedInTheirActionAdmin,
    IndicatorsGoWithTheirActionMixin,
    editable_roadmaps,
)
from .models import Challenge, Indicator, Roadmap

__all__ = [
    "ActionAdmin",
    "ChallengeAdmin",
    "FundingLineAdmin",
    "IndicatorAdmin",
    "PledgeAdmin",
    "RoadmapAdmin",
]

# An action's funding lines and pledges, after its indicators (admin_resources.py).
ActionAdmin.inlines = (*ActionAdmin.inlines, *RESOURCE_INLINES)


class ChallengeInline(ScopedInline, admin.TabularInline):
    model = Challenge
    fields = ("position", "strand", "title", "description")
    extra = 0


@admin.register(Roadmap)
class RoadmapAdmin(
    IndicatorsGoWithTheirActionMixin,
    VersionedAdmin,
    CityScopedHistoryAdmin,
    CityScopedAdmin,
    SimpleHistoryAdmin,
):
    list_display = (
        "title",
        "city",
        "period_start",
        "period_end",
        "status",
        "visibility",
        "changed_at",
    )
    list_filter = ("status", "visibility", ("city", related_filter()))
    list_select_related = ("city",)
    search_fields = ("title", "city__name", "city__name_bg", "main_challenges")
    ordering = ("city__name", "-period_start", "title")
    readonly_fields = ("created_at", "changed_at")
    inlines = (ChallengeInline,)

    def scope(self, request):
        return editable_roadmaps(request)


class ChallengeAdminForm(VersionedAdminForm):
    version_parents = ("roadmap",)  # the roadmap's page shows its challenges inline


@admin.register(Challenge)
class ChallengeAdmin(VersionedAdmin, CityScopedAdmin, admin.ModelAdmin):
    form = ChallengeAdminForm
    list_display = ("title", "roadmap", "strand", "position")
    list_filter = ("strand", ("roadmap", related_filter("city")))
    list_select_related = ("roadmap__city",)
    search_fields = ("title", "roadmap__title")
    ordering = ("roadmap__city__name", "roadmap__title", "position")

    def scope(self, request):
        return editable_roadmaps(request, prefix="roadmap__")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Its actions stay in its roadmap: moving the challenge alone would
            # file them under a challenge of another roadmap.
            readonly = (*readonly, "roadmap")
        return readonly


@admin.register(Indicator)
class IndicatorAdmin(
    EditedInTheirActionAdmin, CityScopedHistoryAdmin, CityScopedAdmin, SimpleHistoryAdmin
):
    """Indicators across actions, to look up; they are edited in their action.

    Changing an indicator changes its action (whether the row is measurable),
    so the only way to write one is the action's page, through
    ``action_indicators_update``, which bumps the action's version.
    """

    edit_in_action_text = _("Edit the indicators in their action")

    list_display = (
        "name",
        "action",
        "unit",
        "baseline_shown",
        "target_shown",
        "current_shown",
        "source",
        "edit_in_action",
    )
    list_select_related = ("action",)
    list_filter = (("action__roadmap", related_filter("city")),)
    search_fields = ("name", "action__title", "source")
    ordering = ("action__roadmap__title", "action__position", "position")
    fields = (
        "edit_in_action",
        "action",
        "position",
        "name",
        "unit",
        "baseline_shown",
        "target_shown",
        "current_shown",
        "source",
    )
    readonly_fields = (
        *EditedInTheirActionAdmin.readonly_fields,
        "baseline_shown",
        "target_shown",
        "current_shown",
    )
    # What the action's page writes for a value nobody knows.
    empty_value_display = "—"

    # The values as the pages write them ("30", "да", "—"), not "30,00", in the
    # list and on the read-only page alike.
    @admin.display(description=_("baseline"), ordering="baseline")
    def baseline_shown(self, obj):
        return self.shown(obj.baseline_text())

    @admin.display(description=_("target"), ordering="target")
    def target_shown(self, obj):
        return self.shown(obj.target_text())

    @admin.display(description=_("current value"), ordering="current")
    def current_shown(self, obj):
        return self.shown(obj.current_text())
