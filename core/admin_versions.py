"""Refusing an admin save over somebody else's save (lost updates)."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

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
