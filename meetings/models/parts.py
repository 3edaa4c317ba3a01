"""What hangs on a meeting besides its contributions: agenda, attendance, next steps."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Organisation, Person

from .meeting import Meeting, MeetingPart, MeetingPartQuerySet


class AgendaItem(MeetingPart, models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    presenter = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("presenter"),
        null=True,
        blank=True,
    )
    # What the item covers in detail: the carry-forward review lists the open
    # next steps and the actions to look at here.
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_unique_position",
                violation_error_message=_("Another agenda item has this position."),
            ),
        ]

    def __str__(self):
        return self.title


class Attendance(MeetingPart, models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    invited = models.BooleanField(_("invited"), default=True)
    attended = models.BooleanField(_("attended"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "person__organisation__name", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_unique_person",
                violation_error_message=_("This person is already on the attendance list."),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.meeting}"


class NextStep(MeetingPart, models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="next_steps", verbose_name=_("meeting")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("what"))
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        related_name="next_steps",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
    )
    responsible_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="next_steps",
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    # The open step of an earlier meeting this one continues (carry-forward).
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="carried_to",
        verbose_name=_("carried from"),
        null=True,
        blank=True,
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        # A step carried from an earlier meeting keeps the due date agreed there,
        # even when that date has passed: it is the reason it is carried.
        if self.due_date is None or self.carried_from_id:
            return
        try:
            meeting = self.meeting
        except Meeting.DoesNotExist:
            return
        if meeting.start and self.due_date < timezone.localdate(meeting.start):
            raise ValidationError(
                {"due_date": _("A next step cannot be due before the meeting that agreed it.")}
            )
