from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.admin_scoping import (
    CityScopedAdmin,
    ScopedInline,
    related_filter,
)
from core.admin_versions import VersionedAdmin, VersionedAdminForm

from .models import City, CityAccess, Membership, Organisation, Person


class CityMembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    fk_name = "city"
    fields = ("organisation", "person", "role", "since")
    autocomplete_fields = ("organisation", "person")
    extra = 0
    verbose_name = _("working-group member")
    verbose_name_plural = _("local working group")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "person__organisation")


class OrganisationMembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    fields = ("city", "role", "since")
    extra = 0
    verbose_name = _("working-group membership")
    verbose_name_plural = _("working groups")

    def scope(self, request):
        # An organisation may sit in several cities' working groups; staff of
        # one city see and change only their own group's row.
        return permissions.city_filter(request.user, prefix="city__")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")


@admin.register(City)
class CityAdmin(VersionedAdmin, CityScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "name_bg", "local_name", "country", "language", "is_lead_partner")
    list_filter = ("country", "is_lead_partner")
    search_fields = ("name", "name_bg", "local_name")
    ordering = ("name",)
    inlines = (CityMembershipInline,)

    def scope(self, request):
        return permissions.city_filter(request.user)


@admin.register(Organisation)
class OrganisationAdmin(VersionedAdmin, CityScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "sector", "city", "website")
    list_filter = ("kind", ("city", related_filter()))
    list_select_related = ("city",)
    search_fields = ("name", "aliases", "sector", "city__name", "city__name_bg")
    ordering = ("name",)
    inlines = (OrganisationMembershipInline,)

    def scope(self, request):
        return permissions.organisation_filter(request.user)

    def change_scope(self, request):
        # Another city's organisation in the user's working group is read-only
        # to them (its membership in their group is theirs: MembershipAdmin).
        return permissions.own_organisation_filter(request.user)


@admin.register(Person)
class PersonAdmin(VersionedAdmin, CityScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "organisation", "position", "email", "phone", "consent_to_contact")
    list_filter = ("consent_to_contact", ("organisation__city", related_filter()))
    list_select_related = ("organisation",)
    search_fields = ("name", "email", "position", "organisation__name")
    autocomplete_fields = ("organisation", "user")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "organisation", "position")}),
        (
            _("Contact (personal data)"),
            {"fields": ("email", "phone", "consent_to_contact", "consent_recorded_at")},
        ),
        (_("Account"), {"fields": ("user",)}),
    )
    # Person.save records when consent was given (and clears it when withdrawn);
    # a typed date would be a record nobody gave.
    readonly_fields = ("consent_recorded_at",)
    # A person is put in one of the user's own city's organisations, never in
    # another city's (which would make them that city's person).
    field_scopes = {
        "organisation": lambda request: permissions.own_organisation_filter(request.user),
    }

    def scope(self, request):
        return permissions.person_filter(request.user)

    def change_scope(self, request):
        return permissions.own_person_filter(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not permissions.can_link_login(request.user):
            readonly = (*readonly, "user")
        if not permissions.can_change_person_organisation(request.user, obj):
            readonly = (*readonly, "organisation")
        return readonly


class MembershipAdminForm(VersionedAdminForm):
    # The city's and the organisation's pages show the membership inline.
    version_parents = ("city", "organisation")


@admin.register(Membership)
class MembershipAdmin(VersionedAdmin, CityScopedAdmin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("city", "organisation", "person", "role", "since")
    list_filter = ("role", ("city", related_filter()))
    list_select_related = ("city", "organisation", "person__organisation")
    search_fields = ("organisation__name", "person__name", "city__name", "city__name_bg")
    autocomplete_fields = ("organisation", "person")
    ordering = ("city__name", "organisation__name", "person__name")

    def scope(self, request):
        return permissions.city_filter(request.user, prefix="city__")


@admin.register(CityAccess)
class CityAccessAdmin(VersionedAdmin, CityScopedAdmin, admin.ModelAdmin):
    list_display = ("user", "city")
    list_filter = (("city", related_filter()),)
    list_select_related = ("user", "city")
    search_fields = ("user__username", "user__email", "city__name", "city__name_bg")
    autocomplete_fields = ("user",)
    ordering = ("city__name", "user__username")

    def scope(self, request):
        return permissions.city_filter(request.user, prefix="city__")
