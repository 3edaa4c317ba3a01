"""The Action Table's rows, and the rules of a row (overdue, measurable, constraints)."""

import datetime
import re
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from stakeholders.models import Organisation

from .roadmaps import Challenge, Roadmap
from .row_queries import DUE_SOON_DAYS, ActionQuerySet

# What str.strip() strips (Python's white space, str.isspace), spelled out: a
# regular expression's \s differs between SQLite (Python's re) and PostgreSQL
# (the C library's, which keeps no-break spaces), these characters do not.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The fields of the constraint "the deadline is not before the start".
DATE_FIELDS = ("start_date", "deadline")

# Kept at module level so that the services write exactly one history record
# per change, after the key partners are set (rather than one for the save and
# another for each many-to-many signal).
action_history = HistoricalRecords(m2m_fields=["key_partners"])


class Action(models.Model):
    """One row of the Action Table."""

    class ActivityType(models.TextChoices):
        AWARENESS = "awareness", _("awareness campaign")
        TRAINING = "training", _("training and capacity building")
        EVENT = "event", _("event or forum")
        PARTNERSHIP = "partnership", _("partnership or agreement")
        PILOT = "pilot", _("pilot / demonstration activity")
        POLICY = "policy", _("policy or regulation")
        FUNDING = "funding", _("funding or incentive scheme")
        RESEARCH = "research", _("study or research")
        COMMUNICATION = "communication", _("communication and publicity")
        PLATFORM = "platform", _("platform or tool")
        VOLUNTEERING = "volunteering", _("volunteering")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        AGREED = "agreed", _("agreed")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        POSTPONED = "postponed", _("postponed")
        DROPPED = "dropped", _("dropped")

    class Currency(models.TextChoices):
        EUR = "EUR", _("euro (EUR)")
        BGN = "BGN", _("Bulgarian lev (BGN)")
        HUF = "HUF", _("Hungarian forint (HUF)")

    CLOSED_STATUSES = (Status.DONE, Status.DROPPED)

    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="actions", verbose_name=_("roadmap")
    )
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("challenge"),
        null=True,
        blank=True,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    activity_type = models.CharField(
        _("type of activity"), max_length=20, choices=ActivityType.choices
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    resources = models.TextField(_("necessary resources"), blank=True)
    budget = models.DecimalField(
        _("estimated budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    people_days = models.DecimalField(
        _("people-days"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    in_kind = models.TextField(_("in-kind contributions"), blank=True)
    lead_partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name=_("lead partner"),
        null=True,
        blank=True,
    )
    key_partners = models.ManyToManyField(
        Organisation, related_name="partnered_actions", verbose_name=_("key partners"), blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
        editable=False,
    )
    history = action_history

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        # By the roadmap's column, not "roadmap", which would cascade into Roadmap's
        # ordering (its city's name, period, title): four tables joined and sorted
        # for every unordered list of actions and every prefetch through them.
        ordering = ["roadmap_id", "challenge__position", "position", "pk"]
        indexes = [
            # The dashboard's overdue and due-soon lists: open actions by deadline.
            models.Index(
                fields=["deadline"],
                name="action_open_deadline",
                condition=Q(deadline__isnull=False) & ~Q(status__in=["done", "dropped"]),
            ),
            # The pages that add up a whole roadmap read a few columns of each of its
            # rows: these two indexes hold them, so that the database reads them from
            # the index alone (SQLite's "COVERING INDEX", PostgreSQL's index-only
            # scan) rather than every row with its texts, which at 10,000 actions no
            # longer fit SQLite's page cache (bench/README.md, item 15).
            # The dashboard's overdue and due-soon lists of a roadmap, in their order
            # (deadline, then position: read up to the LIMIT, no sort), and its counts;
            # the timeline's first and last dates and its counts (timeline.months_of).
            models.Index(
                fields=["roadmap", "deadline", "position", "status", "start_date"],
                name="action_roadmap_deadline",
            ),
            # The cost per challenge and currency in their order (no sort), of the table
            # and the dashboard (resource_totals._grouped_funding), the table's spans and
            # counts per challenge (table_pages.challenge_spans: positions, statuses and
            # what measurable_condition reads but the text of the resources), the leads
            # of the filter's choices (Roadmap.involved_organisations) and the order of
            # the table's pages.
            models.Index(
                fields=[
                    "roadmap",
                    "challenge",
                    "currency",
                    "budget",
                    "position",
                    "status",
                    "lead_partner",
                    "deadline",
                    "people_days",
                ],
                name="action_roadmap_totals",
                # The id too, where the database does not keep it in every index
                # (PostgreSQL; SQLite's rowid is): the counts and their Exists read it.
                include=["id"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="action_progress_0_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(start_date__isnull=True)
                | Q(deadline__gte=F("start_date")),
                name="action_deadline_not_before_start",
                violation_error_message=_("The deadline cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="action_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(people_days__isnull=True) | Q(people_days__gte=0),
                name="action_people_days_not_negative",
                violation_error_message=_("People-days cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="action_version_positive",
            ),
            models.UniqueConstraint(
                fields=["roadmap", "position"],
                name="action_unique_position",
                violation_error_message=_("Another action of this roadmap has this position."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("actions:action", args=[self.pk])

    def constraint_errors(self, *, fields: Collection[str]) -> list[str]:
        """The messages of the constraints on ``fields`` alone that this row breaks:
        Django's validation of the database's constraints (a query each), for a
        caller that places the messages on its own fields."""
        exclude = {field.name for field in self._meta.concrete_fields} - set(fields)
        try:
            self.validate_constraints(exclude=exclude)
        except ValidationError as error:
            return error.messages
        return []

    @classmethod
    def violated_constraint(cls, error: IntegrityError) -> models.BaseConstraint | None:
        """The constraint of this model that the database names in ``error``, if any."""
        text = str(error)
        for constraint in cls._meta.constraints:
            if re.search(rf"\b{re.escape(constraint.name)}\b", text):
                return constraint
        return None

    @classmethod
    def overdue_on(cls, *, deadline: datetime.date | None, status: str, today: datetime.date):
        """The one rule of "overdue", for an action or a row read as values: past its
        deadline and not closed (``ActionQuerySet.overdue`` is the same in SQL)."""
        return deadline is not None and deadline < today and status not in cls.CLOSED_STATUSES

    @classmethod
    def overdue_condition(cls, today: datetime.date, *, prefix: str = "") -> Q:
        """``overdue_on`` as a condition in SQL: ``ActionQuerySet.overdue``'s filter, and
        a count's (``Count("pk", filter=...)``) without a subquery. ``prefix``: the path
        to the actions from another model ("actions__" from a roadmap)."""
        return Q(**{f"{prefix}deadline__lt": today}) & ~Q(
            **{f"{prefix}status__in": cls.CLOSED_STATUSES}
        )

    @classmethod
    def due_soon_condition(
        cls, today: datetime.date, days: int = DUE_SOON_DAYS, *, prefix: str = ""
    ) -> Q:
        """Open, and due from ``today`` to ``days`` later: ``ActionQuerySet.due_soon``'s
        filter, and a count's (``prefix`` as in ``overdue_condition``)."""
        return ~Q(**{f"{prefix}status__in": cls.CLOSED_STATUSES}) & Q(
            **{
                f"{prefix}deadline__gte": today,
                f"{prefix}deadline__lte": today + datetime.timedelta(days=days),
            }
        )

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.overdue_on(
            deadline=self.deadline, status=self.status, today=today or timezone.localdate()
        )

    @staticmethod
    def measurable_gaps(
        *,
        lead_partner_id: int | None,
        deadline: datetime.date | None,
        resources: str,
        budget: Decimal | None,
        people_days: Decimal | None,
        indicators: Iterable[tuple[Decimal | None, Decimal | None]],
        fully_pledged: bool = False,
    ) -> list[str]:
        """The one rule of "tangible and measurable", for an action or a row read as
        values: what it lacks, with its indicators as (baseline, target) pairs.

        Resources fully pledged by partners (``resource_totals.is_fully_pledged``) count
        as its necessary resources, stated or not."""
        missing = []
        if not lead_partner_id:
            missing.append(str(_("lead partner")))
        if not deadline:
            missing.append(str(_("deadline")))
        if not (fully_pledged or (resources or "").strip() or budget is not None or people_days):
            missing.append(str(_("necessary resources")))
        if not any(baseline is not None and target is not None for baseline, target in indicators):
            missing.append(str(_("an indicator with baseline and target")))
        return missing

    @staticmethod
    def measurable_condition() -> Q:
        """``measurable_gaps`` in SQL, for the counts of a whole roadmap: a lead partner,
        a deadline, necessary resources (text that is not only blanks, a budget or
        people-days) and an indicator with a baseline and a target. Resources fully
        pledged are not counted here, as the Action Table does not count them."""
        from .indicators import Indicator

        has_indicator = Exists(
            Indicator.objects.filter(
                action_id=OuterRef("pk"), baseline__isnull=False, target__isnull=False
            )
        )
        # The text last (the dearest test): a character str.strip() would keep, the
        # same on SQLite and PostgreSQL.
        has_resources = (
            Q(budget__isnull=False) | Q(people_days__gt=0) | Q(resources__regex=f"[^{WHITE_SPACE}]")
        )
        return (
            Q(lead_partner_id__isnull=False)
            & Q(deadline__isnull=False)
            & has_resources
            & Q(has_indicator)
        )

    def missing_for_measurable(self) -> list[str]:
        """What the row lacks to be tangible and measurable (uses prefetched indicators,
        and ``resources_fully_pledged`` where the caller set it: the action page)."""
        return self.measurable_gaps(
            lead_partner_id=self.lead_partner_id,
            deadline=self.deadline,
            resources=self.resources,
            budget=self.budget,
            people_days=self.people_days,
            indicators=((ind.baseline, ind.target) for ind in self.indicators.all()),
            fully_pledged=getattr(self, "resources_fully_pledged", False),
        )

    def is_measurable(self) -> bool:
        return not self.missing_for_measurable()
