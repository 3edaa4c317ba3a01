"""City scoping for the Django admin.

Every admin class of the three apps mixes in ``CityScopedAdmin`` (or, for
inlines, ``ScopedChoicesMixin``) and says, as a Q object built from
``core.permissions``, which of its rows a user works on. The mixin then
applies that one answer everywhere the admin shows or accepts rows: the
changelist, the change / delete / history views (object permissions), the
choices of every foreign key and many-to-many field, and autocomplete results.

Beside it: ``core.admin_history`` (simple-history's views under the same
scoping), ``core.admin_versions`` (stale saves refused), ``core.admin_widgets``.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from core import permissions
from core.admin_widgets import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple


def is_network_admin(request) -> bool:
    return permissions.access_for(request.user).is_network_admin


class ScopedChoicesMixin:
    """Limit the rows a form offers in its selects to those the user works on.

    ``field_scopes`` maps a field name to a callable ``(request) -> Q`` on the
    related model, for a field that needs a narrower choice than the related
    admin's own (a meeting's roadmap: only roadmaps whose meetings the user runs).
    Otherwise the related model's registered admin decides, through its
    ``choice_queryset``.
    """

    field_scopes: dict = {}

    def scoped_choices(self, request, db_field) -> QuerySet | None:
        related_model = db_field.remote_field.model
        if db_field.name in self.field_scopes:
            return related_model._default_manager.filter(self.field_scopes[db_field.name](request))
        try:
            related_admin = self.admin_site.get_model_admin(related_model)
        except NotRegistered:
            return None
        if isinstance(related_admin, CityScopedAdmin):
            return related_admin.choice_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            # As Django's own formfield_for_foreignkey would, with the safe widget.
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if "queryset" not in kwargs:
            choices = self.scoped_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if "queryset" not in kwargs:
            choices = self.scoped_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline(ScopedChoicesMixin):
    """An inline whose rows and choices follow the user's cities.

    ``scope(request) -> Q`` may be overridden to hide inline rows of other
    cities (memberships of an organisation in several working groups).
    """

    def scope(self, request) -> Q:
        return Q()

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope(request))


class CityScopedAdmin(ScopedChoicesMixin):
    """A ModelAdmin that shows and accepts only the rows of the user's cities.

    Subclasses define ``scope(request) -> Q``: the rows the user may see. They
    may define ``choice_scope`` (the rows other forms may point to, when
    narrower) and ``may_change`` (when changing needs more than seeing, as
    meetings do: editors see them, moderators run them).
    """

    def scope(self, request) -> Q:
        raise NotImplementedError

    def choice_scope(self, request) -> Q:
        return self.scope(request)

    def choice_queryset(self, request) -> QuerySet:
        return self.model._default_manager.filter(self.choice_scope(request))

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope(request))

    def change_scope(self, request) -> Q | None:
        """The rows the user may change, where fewer than those they see (None: the same).

        Organisations and people: another city's organisation in the user's
        working group is seen, and changed only by its own city's staff.
        """
        return None

    def in_scope(self, request, obj) -> bool:
        # Asked of the database rather than of ``obj``, so that the answer is
        # the changelist's answer; a historical instance of a deleted row is
        # then out of scope for all but the network admin.
        return self._matches(request, obj, "scope", self.scope)

    def may_change(self, request, obj) -> bool:
        if not self.in_scope(request, obj):
            return False
        return self.change_scope(request) is None or self._matches(
            request, obj, "change", self.change_scope
        )

    def _matches(self, request, obj, kind: str, q_of) -> bool:
        if is_network_admin(request):
            return True
        cache = request.__dict__.setdefault("_admin_scope_cache", {})
        key = (self.model, kind, obj.pk)
        if key not in cache:
            cache[key] = (
                obj.pk is not None
                and self.model._default_manager.filter(q_of(request), pk=obj.pk).exists()
            )
        return cache[key]

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_change(request, obj))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        choices = _autocomplete_choices(request, self.admin_site)
        if choices is not None:
            queryset = queryset.filter(pk__in=choices.values("pk"))
        return queryset, may_have_duplicates


def _autocomplete_choices(request, admin_site) -> QuerySet | None:
    """In an autocomplete request, the choices the source field's admin allows."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        source_field = source_model._meta.get_field(request.GET["field_name"])
        source_admin = admin_site.get_model_admin(source_model)
    except (KeyError, LookupError, FieldDoesNotExist, NotRegistered):
        return None
    if not isinstance(source_admin, ScopedChoicesMixin) or source_field.remote_field is None:
        return None
    return source_admin.scoped_choices(request, source_field)


class RelatedInScopeFilter(admin.RelatedOnlyFieldListFilter):
    """Offer only the related rows that the user's own rows point to.

    Unlike Django's ``RelatedOnlyFieldListFilter``, reads the related rows in
    one query with ``select_related`` for what their ``__str__`` needs (a
    roadmap names its city), so that the sidebar costs one query however
    many choices it has.
    """

    select_related: tuple[str, ...] = ()

    def field_choices(self, field, request, model_admin):
        pk_qs = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        related = field.related_model._default_manager.filter(pk__in=pk_qs)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in related.select_related(*self.select_related)]


def related_filter(*select_related: str) -> type[RelatedInScopeFilter]:
    """A ``RelatedInScopeFilter`` that joins ``select_related`` for the choices' names."""
    return type("RelatedInScopeFilter", (RelatedInScopeFilter,), {"select_related": select_related})
