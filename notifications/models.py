from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actions.models import Action, Roadmap


class Follow(models.Model):
    """A user follows an action or a whole roadmap, and gets a daily digest of its changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("user"),
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("action"),
    )
    roadmap = models.ForeignKey(
        Roadmap,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("roadmap"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=True, roadmap__isnull=False)
                | Q(action__isnull=False, roadmap__isnull=True),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "action"],
                condition=Q(action__isnull=False),
                name="follow_action_once",
            ),
            models.UniqueConstraint(
                fields=["user", "roadmap"],
                condition=Q(roadmap__isnull=False),
                name="follow_roadmap_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.action or self.roadmap}"
