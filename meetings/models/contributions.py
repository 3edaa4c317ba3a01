"""Proposals, comments and questions made in a meeting, and what became of them."""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import Action, Pledge
from core.history_reasons import HistoryReason, history_reason
from stakeholders.models import Organisation, Person

from .meeting import Meeting, MeetingPart, MeetingPartQuerySet


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
    # The pledge an organisation made in the meeting, recorded from this
    # contribution (meetings.services.contribution_pledge, once); the pledge
    # finds where it was made through ``pledge.contributions``.
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("pledge recorded"),
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

    @property
    def speaks_for_id(self) -> int | None:
        """The organisation the contribution was made for: the one it names, else its
        author's (a person speaks for their organisation); None when neither is known."""
        if self.organisation_id:
            return self.organisation_id
        return self.author.organisation_id if self.author_id else None

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
        contribution._change_reason = history_reason(HistoryReason.ROW_DELETED, id=instance.pk)
        contribution.save(update_fields=["action", "produced_action"])


@receiver(pre_delete, sender=Pledge)
def unlink_pledge(sender, instance: Pledge, **kwargs) -> None:
    """Unlink the contribution a pledge being removed was recorded from, in its
    history, as ``unlink_contributions`` does for a row."""
    for contribution in Contribution.objects.filter(pledge=instance):
        contribution.pledge = None
        if hasattr(instance, "_history_user"):
            contribution._history_user = instance._history_user
        contribution._change_reason = history_reason(HistoryReason.PLEDGE_DELETED, id=instance.pk)
        contribution.save(update_fields=["pledge"])
