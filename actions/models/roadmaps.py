"""A city's integrated CSR roadmap and the urban challenges it answers."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import permissions
from stakeholders.models import City, Organisation


class RoadmapQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(permissions.roadmap_filter(user))

    def editable_by(self, user):
        return self.filter(permissions.editable_roadmap_filter(user))


class Roadmap(models.Model):
    """The integrated CSR roadmap of one city: its Action Table adds up to it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")

    class Visibility(models.TextChoices):
        PRIVATE = permissions.Visibility.PRIVATE, _("private (the city's staff)")
        PARTNERS = permissions.Visibility.PARTNERS, _("working-group partners")
        PUBLIC = permissions.Visibility.PUBLIC, _("public")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="roadmaps", verbose_name=_("city")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    main_challenges = models.TextField(_("main challenges"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["city__name", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="roadmap_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.city})"

    def get_absolute_url(self):
        return reverse("actions:roadmap", args=[self.pk])

    def eligible_partners(self) -> models.QuerySet[Organisation]:
        """The one answer to which organisations may lead or partner an action of this
        roadmap: those of its city, the members of its working group, and those
        already involved in it (so that existing rows stay valid).

        Subqueries rather than joins, so that no organisation comes twice.
        """
        members = Organisation.objects.filter(memberships__city_id=self.city_id).values("pk")
        return Organisation.objects.filter(
            Q(city_id=self.city_id)
            | Q(pk__in=members)
            | Q(pk__in=self.involved_organisations().values("pk"))
        )

    def involved_organisations(self) -> models.QuerySet[Organisation]:
        """The organisations that lead or partner an action of this roadmap.

        Two subqueries rather than joins through both relations: joined, every
        action an organisation leads meets every action it partners, across the
        network before the roadmap is filtered, and DISTINCT has to sort that
        product away (seconds per query on a network of 5,000 actions).
        """
        key_partner_ids = Organisation.partnered_actions.through.objects.filter(
            action__roadmap=self
        ).values("organisation_id")
        return Organisation.objects.filter(
            Q(pk__in=self.actions.values("lead_partner_id")) | Q(pk__in=key_partner_ids)
        )


class Challenge(models.Model):
    """An urban challenge the roadmap answers, in one strand of the holistic approach."""

    class Strand(models.TextChoices):
        ECONOMIC = "economic", _("economic")
        SOCIAL = "social", _("social")
        ENVIRONMENTAL = "environmental", _("environmental")

    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("roadmap")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    strand = models.CharField(_("strand"), max_length=20, choices=Strand.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        # By the roadmap's column, not "roadmap": that would join and sort by the
        # roadmap's own ordering (its city's name, period, title) for every list.
        ordering = ["roadmap_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "position"],
                name="challenge_unique_position",
                violation_error_message=_("Another challenge of this roadmap has this position."),
            ),
        ]

    def __str__(self):
        return self.title
