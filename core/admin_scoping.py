"""City scoping for the Django admin.

Every admin class of the three apps mixes in ``CityScopedAdmin`` (or, for
inlines, ``ScopedChoicesMixin``) and says, as a Q object built from
``core.permissions``, which of its rows a user works on. The mixin then
applies that one answer everywhere the admin shows or accepts rows: the
changelist, the change / delete / history views (object permissions), the
choices of every foreign key and many-to-many field, and autocomplete results.

``OpenedStateAdmin`` refuses change-form saves over somebody else's save, for
the models that have no ``version`` of their own.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.forms import MAX_ID


def is_network_admin(request) -> bool:
    return permissions.access_for(request.user).is_network_admin


def _storable_key(field, value) -> bool:
    """Whether ``value`` can be looked up in ``field`` without the database raising."""
    try:
        key = field.to_python(value)
        field.get_prep_value(key)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(key, int) or abs(key) <= MAX_ID


class _SafeAutocompleteMixin:
    """Render a re-shown form whose autocomplete got a forged id ("1.5", 10**30).

    Django's autocomplete widgets look the submitted values up as they are, so
    such a value turns a form error into a 500 (ValueError, or an overflow in
    the database). The field itself still refuses the value with a form error.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        value = [v for v in value if _storable_key(target, v)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


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

    def in_scope(self, request, obj) -> bool:
        # Asked of the database rather than of ``obj``, so that the answer is
        # the changelist's answer; a historical instance of a deleted row is
        # then out of scope for all but the network admin.
        if is_network_admin(request):
            return True
        cache = request.__dict__.setdefault("_admin_scope_cache", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = (
                obj.pk is not None
                and self.model._default_manager.filter(self.scope(request), pk=obj.pk).exists()
            )
        return cache[key]

    def may_change(self, request, obj) -> bool:
        return self.in_scope(request, obj)

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


class CityScopedHistoryAdmin(CityScopedAdmin):
    """Scoping for simple_history's admin views, mixed in before SimpleHistoryAdmin.

    simple_history's revert form saves on POST whenever the user may *view*
    history, and looks the historical row up without ``get_queryset``; both
    are closed here. Reverting is off: it saves the old row as it was, past
    the services and without any lost-update check. The history stays readable.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        record = get_object_or_404(
            history_model, **{self.model._meta.pk.attname: object_id, "history_id": version_id}
        )
        obj = record.instance
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST" and (
            self.revert_disabled(request, obj) or not self.has_change_permission(request, obj)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


OPENED_STATE_FIELD = "_opened_state"


class OpenedStateAdmin:
    """Refuse a change-form save when somebody else saved the object since it was opened.

    For models without a ``version``. The change form carries a fingerprint of
    the object, its many-to-many links and the rows of its inlines as the user
    opened them (a hidden field, rendered by templates/admin/change_form.html).
    On save the fingerprint is taken again, with the row locked until the save
    commits; if the two differ the form gets an error and nothing is saved,
    inlines included, so that the later save cannot silently undo the earlier
    one. Only the object's own row is locked: an inline row saved on its own
    page in the very moment between the check and the write is not covered.
    """

    stale_save_message = _(
        "Somebody else saved this %(name)s since you opened it. Nothing was saved: "
        "open it again to see their changes, then make yours."
    )

    def opened_state(self, request, obj, *, lock: bool = False) -> str:
        """The fingerprint of ``obj`` and its inline rows, as the database holds them now."""
        opts = self.model._meta
        # No ordering: a Meta.ordering through a nullable relation (an attendance's
        # person) joins it, and PostgreSQL locks no nullable side of an outer join.
        rows = self.model._default_manager.filter(pk=obj.pk).order_by()
        using = router.db_for_write(self.model)
        if lock and not transaction.get_autocommit(using):
            # Locked as a model query: ``of`` names no table in a values() query.
            list(rows.select_for_update(of=("self",)).only("pk"))
        state = [list(rows.values_list(*(field.attname for field in opts.concrete_fields)))]
        for field in opts.many_to_many:
            links = self.model._default_manager.filter(pk=obj.pk).values_list(field.name, flat=True)
            state.append(sorted(links, key=str))
        for inline in self.get_inline_instances(request, obj):
            fk = inline.get_formset(request, obj).fk
            inline_rows = (
                inline.get_queryset(request)
                .filter(**{fk.name: obj.pk})
                .order_by("pk")
                .values_list(*(field.attname for field in inline.model._meta.concrete_fields))
            )
            state.append([inline.model._meta.label, list(inline_rows)])
        return salted_hmac("cities4csr.admin.opened_state", repr(state)).hexdigest()

    def check_opened_state(self, request, obj, opened: str) -> None:
        current = self.opened_state(request, obj, lock=True)
        if not opened or not constant_time_compare(opened, current):
            raise ValidationError(
                self.stale_save_message,
                code="conflict",
                params={"name": self.model._meta.verbose_name},
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or request.method != "POST":
            return form
        check = functools.partial(self.check_opened_state, request, obj)
        return type(form.__name__, (_OpenedStateForm, form), {"check_opened_state": check})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            # A form shown again after a refused save keeps what the user opened:
            # saving it again is refused again, until they open the object anew.
            context["opened_state"] = (
                request.POST.get(OPENED_STATE_FIELD, "")
                if request.method == "POST"
                else self.opened_state(request, obj)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class _OpenedStateForm:
    """Mixed before an admin's ModelForm by ``OpenedStateAdmin.get_form`` on a save."""

    check_opened_state = None

    def clean(self):
        cleaned_data = super().clean()
        self.check_opened_state(self.data.get(OPENED_STATE_FIELD, ""))
        return cleaned_data


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
