"""Meetings of a working group, and the rule that a held meeting and its parts are kept."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import Roadmap
from core import permissions
from stakeholders.models import Person


class _RefusesKeptQuerySet(models.QuerySet):
    """Deleting through this queryset first asks ``refuse_kept``."""

    def refuse_kept(self) -> None:
        raise NotImplementedError

    def delete(self):
        self.refuse_kept()
        return super().delete()


class MeetingQuerySet(_RefusesKeptQuerySet):
    def visible_to(self, user):
        return self.filter(permissions.roadmap_filter(user, prefix="roadmap__"))

    def managed_by(self, user):
        return self.filter(permissions.meeting_roadmap_filter(user, prefix="roadmap__"))

    def deletable(self):
        return self.exclude(status__in=Meeting.KEPT_STATUSES)

    def next_number(self, roadmap_id: int) -> int:
        """The number the roadmap's next meeting takes: one past its highest."""
        highest = self.filter(roadmap_id=roadmap_id).aggregate(Max("number"))["number__max"]
        return (highest or 0) + 1

    def refuse_kept(self) -> None:
        """Refuse to delete a held meeting: it is the record of what the group decided."""
        kept = self.filter(status__in=Meeting.KEPT_STATUSES).first()
        if kept is not None:
            raise ValidationError(
                _(
                    "Meeting “%(meeting)s” was held: it is kept as the record of what the "
                    "working group decided, and cannot be deleted."
                ),
                code="held",
                params={"meeting": kept},
            )


class MeetingPartQuerySet(_RefusesKeptQuerySet):
    """Agenda items, attendance, contributions and next steps: the parts of meetings."""

    def kept(self):
        """The parts of held meetings: the record of what the group decided, never deleted."""
        return self.filter(meeting__status__in=Meeting.KEPT_STATUSES)

    def refuse_kept(self) -> None:
        """Refuse to delete a part of a held meeting, as the meeting itself is refused."""
        Meeting.objects.filter(pk__in=self.values("meeting_id")).refuse_kept()


class MeetingPart:
    """Mixed into the models of a meeting's parts: none of a held meeting's is deleted."""

    @property
    def is_deletable(self) -> bool:
        return self.meeting.is_deletable

    def delete(self, *args, **kwargs):
        # What the database says, not this instance, which may be stale.
        type(self)._default_manager.filter(pk=self.pk).refuse_kept()
        return super().delete(*args, **kwargs)


class Meeting(models.Model):
    """A meeting of a city's local working group, led by a moderator."""

    class Format(models.TextChoices):
        ONLINE = "online", _("online")
        IN_PERSON = "in_person", _("in person")
        HYBRID = "hybrid", _("hybrid")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        MINUTES_APPROVED = "minutes_approved", _("minutes approved")

    # A held meeting's attendance, proposals and next steps are what the
    # working group decided: they are never deleted.
    KEPT_STATUSES = (Status.HELD, Status.MINUTES_APPROVED)

    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("roadmap")
    )
    title = models.CharField(_("title"), max_length=200)
    number = models.PositiveSmallIntegerField(_("number"))
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONLINE
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("online link"), blank=True)
    moderator = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="moderated_meetings",
        verbose_name=_("moderator"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    reminder_on = models.BooleanField(
        _("remind the invitees"),
        default=True,
        help_text=_("Mail the invitees a reminder before the meeting."),
    )
    reminder_hours = models.PositiveSmallIntegerField(_("reminder, hours before"), default=48)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="meeting_end_not_before_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["roadmap", "number"],
                name="meeting_unique_number",
                violation_error_message=_("This roadmap already has a meeting with this number."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    def delete(self, *args, **kwargs):
        # What the database says, not this instance, which may be stale.
        Meeting.objects.filter(pk=self.pk).refuse_kept()
        return super().delete(*args, **kwargs)

    def clean(self):
        # The database constraint says the same; here the message sits on the field.
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("A meeting cannot end before it starts.")})

    @property
    def is_deletable(self) -> bool:
        return self.status not in self.KEPT_STATUSES

    @property
    def day(self):
        """The meeting's date in the project's time zone."""
        return timezone.localdate(self.start)
