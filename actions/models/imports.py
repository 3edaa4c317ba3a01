"""An applied workbook import: one row per uploaded file, so that a file is applied once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roadmaps import Roadmap


class WorkbookImport(models.Model):
    """The upload ``upload`` (the stored file's random name) was applied to ``roadmap``.

    The row is written in the apply's own transaction, before its first action: a
    second apply of the same upload (a double click, a second tab) meets the unique
    key, after the first has committed (or takes the key, if the first rolled back).
    """

    upload = models.CharField(_("upload"), max_length=64, unique=True)
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="imports", verbose_name=_("roadmap")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    created = models.PositiveIntegerField(_("actions added"), default=0)
    changed = models.PositiveIntegerField(_("actions changed"), default=0)

    class Meta:
        verbose_name = _("workbook import")
        verbose_name_plural = _("workbook imports")

    def __str__(self) -> str:
        return f"{self.roadmap_id}: {self.upload}"


class ImportMapping(models.Model):
    """How a roadmap's hand-made spreadsheet of one layout (its headers, folded, in
    order) maps to the Action Table: its columns, its values and the defaults the
    user confirmed, so that the next upload of that layout goes straight to the
    preview (``workbook.mapping.ImportOptions`` as plain data)."""

    roadmap = models.ForeignKey(
        Roadmap,
        on_delete=models.CASCADE,
        related_name="import_mappings",
        verbose_name=_("roadmap"),
    )
    layout = models.CharField(_("layout"), max_length=1000)
    mapping = models.JSONField(_("mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "layout"], name="import_mapping_unique_layout"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roadmap_id}: {self.layout[:60]}"
