from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import Action, Roadmap
from core import permissions
from stakeholders.models import Organisation, Person


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


class Contribution(MeetingPart, models.Model):
    """A proposal, comment or question made in a meeting, and what became of it."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("proposal")
        COMMENT = "comment", _("comment")
        QUESTION = "question", _("question")

    class Outcome(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        MERGED = "merged", _("merged into an action")
        DEFERRED = "deferred", _("deferred")
        REJECTED = "rejected", _("rejected")
        NOTED = "noted", _("noted")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("meeting")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROPOSAL)
    author = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("author"),
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
    )
    text = models.TextField(_("text"))
    # The Action Table row this contribution is about, or that it produced;
    # the reverse (action.contributions) gives the meetings an action came from.
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("related action"),
        null=True,
        blank=True,
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    discussion_summary = models.TextField(_("summary of the discussion"), blank=True)
    # The row that accepting this proposal created or changed. Kept apart from
    # ``action`` (what the contribution is about) so that a proposal is turned
    # into a row once only, and set by meetings.services.proposal_accept only.
    produced_action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        related_name="produced_by",
        verbose_name=_("action produced"),
        null=True,
        blank=True,
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("proposals and comments")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def clean_fields(self, exclude=None):
        # Checked here rather than in clean(), as Django's documentation shows:
        # ``exclude`` says whether the form has the field to show the error on
        # (``produced_action`` is in no form).
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, message in self._other_roadmap_errors(skip=errors).items():
            key = NON_FIELD_ERRORS if exclude and name in exclude else name
            errors.setdefault(key, []).append(message)
        if errors:
            raise ValidationError(errors)

    def _produced_action_moved(self) -> bool:
        """Whether the produced row or the meeting differ from what is saved."""
        if self.produced_action_id is None:
            return False
        if self.pk is None:
            return True
        saved = (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values_list("meeting_id", "produced_action_id")
            .first()
        )
        return saved != (self.meeting_id, self.produced_action_id)

    def _other_roadmap_errors(self, skip=()) -> dict[str, ValidationError]:
        """The related actions that are not rows of the meeting's roadmap."""
        try:
            roadmap = self.meeting.roadmap
        except ObjectDoesNotExist:
            return {}
        messages = {
            "action": _(
                "The related action must be a row of the meeting's roadmap, “%(roadmap)s”."
            ),
            "produced_action": _(
                "The action produced must be a row of the meeting's roadmap, “%(roadmap)s”."
            ),
        }
        errors = {}
        for name, message in messages.items():
            if name in skip:  # e.g. an action that does not exist
                continue
            action = getattr(self, name)
            if name == "produced_action" and not self._produced_action_moved():
                # Nobody can pick the produced row in a form: a mismatch that was
                # there before (data older than this rule) must not block every
                # later save of the meeting.
                continue
            if action is not None and action.roadmap_id != roadmap.pk:
                errors[name] = ValidationError(
                    message, code="other_roadmap", params={"roadmap": roadmap}
                )
        return errors


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


@receiver(pre_delete, sender=Action)
def unlink_contributions(sender, instance: Action, **kwargs) -> None:
    """Unlink the contributions about a row being deleted, in their history.

    The foreign keys' SET_NULL would do it with an UPDATE that leaves no
    historical record: the contribution would no longer say which row it
    produced, nor when or by whom that row was deleted. Its earlier records
    keep the link; this one says what became of it.
    """
    linked = Contribution.objects.filter(Q(action=instance) | Q(produced_action=instance))
    for contribution in linked:
        for name in ("action", "produced_action"):
            if getattr(contribution, f"{name}_id") == instance.pk:
                setattr(contribution, name, None)
        # action_delete names who deleted the row; otherwise the request's user.
        if hasattr(instance, "_history_user"):
            contribution._history_user = instance._history_user
        contribution._change_reason = _("Action Table row %(id)s deleted") % {"id": instance.pk}
        contribution.save(update_fields=["action", "produced_action"])
