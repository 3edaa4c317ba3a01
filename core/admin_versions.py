"""The admin's lost-update check: the change form carries the row's ``version``.

``VersionedAdmin`` (with its form, ``VersionedAdminForm``) puts the version the
user opened in the change form (a hidden field, rendered by
templates/admin/change_form.html); the save locks the row, refuses with a
form error if its version moved on, and bumps it (``core.versions``).
Nothing is saved then, inlines included.

The rows of inlines are covered through their parent: a save of the parent's
page bumps the parent and every inline row it changes; a save of an inline row
on its own page (or its deletion) bumps the parents whose pages show it,
named in the form's ``version_parents``, so that their open pages are stale.
Parents are locked before the row itself, in the order the parent's page
takes the locks.
"""

from __future__ import annotations

from django import forms

from core.versions import as_version, stale_save_error, version_bump, version_claim, version_lock


class VersionedAdminForm(forms.ModelForm):
    """An admin ModelForm whose save is refused over a newer one."""

    # The foreign keys to the rows whose change form shows this one inline.
    version_parents: tuple[str, ...] = ()
    opened_parents: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Not a declared field: the admin lists declared fields among the
            # model's, and the model's ``version`` is not editable.
            self.fields["version"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=self.instance.version
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            # As saved, before this form moves the row to another parent, if it does.
            self.opened_parents = self.parents(self.instance)
            for parent_model, pk in self.opened_parents:
                version_lock(parent_model, pk)
            current = version_lock(self._meta.model, self.instance.pk)
            # A form without a version (a page from before) is stale, not unchecked.
            if current is None or as_version(cleaned_data.get("version")) != current:
                raise stale_save_error(self._meta.model)
        return cleaned_data

    @classmethod
    def parents(cls, obj) -> list[tuple[type, object]]:
        """The parent rows of ``obj``, as (model, pk)."""
        found = []
        for name in cls.version_parents:
            field = obj._meta.get_field(name)
            found.append((field.related_model, getattr(obj, field.attname)))
        return found


class VersionedAdmin:
    """Mixed into a ModelAdmin: stale change-form saves refused, versions bumped."""

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        if change:
            version_claim(obj, as_version(form.cleaned_data.get("version")))
        super().save_model(request, obj, form, change)
        self._bump([*form.opened_parents, *self.form.parents(obj)])

    def save_formset(self, request, form, formset, change):
        if any(field.name == "version" for field in formset.model._meta.concrete_fields):
            # The rows' own pages, opened before, are stale now.
            for inline_form in formset.initial_forms:
                if inline_form.has_changed():
                    inline_form.instance.version += 1
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        parents = self.form.parents(obj)
        super().delete_model(request, obj)
        self._bump(parents)

    def delete_queryset(self, request, queryset):
        parents = []
        if self.form.version_parents:
            parents = [parent for obj in queryset for parent in self.form.parents(obj)]
        super().delete_queryset(request, queryset)
        self._bump(parents)

    @staticmethod
    def _bump(parents) -> None:
        by_model: dict = {}
        for model, pk in parents:
            by_model.setdefault(model, set()).add(pk)
        for model, pks in by_model.items():
            version_bump(model, pks)
