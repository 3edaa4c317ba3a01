from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Person


class Kind(models.TextChoices):
    """The kinds of mail; each can be unsubscribed from on its own."""

    INVITATION = "invitation", _("meeting invitations")
    MEETING_REMINDER = "meeting_reminder", _("reminders before a meeting")
    MINUTES_REMINDER = "minutes_reminder", _("reminders to close a meeting and approve its minutes")
    DUE_DIGEST = "due_digest", _("daily digest of deadlines")
    FOLLOW_DIGEST = "follow_digest", _("daily digest of what I follow")


class Mail(models.Model):
    """One mail to one person about one event: the sent log.

    The body waits here until it is sent, and is then cleared: the log keeps who
    got what kind of mail about what, and when, not what it said.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (gave up)")
        WITHDRAWN = "withdrawn", _("not sent (consent withdrawn or unsubscribed)")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    event = models.CharField(
        _("event"),
        max_length=200,
        help_text=_("What the mail is about; one mail per person, kind and event."),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="mails", verbose_name=_("recipient")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    attachment_name = models.CharField(_("attachment"), max_length=100, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment content"), blank=True, default=b"")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails sent")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "event", "person"], name="mail_once_per_person_and_event"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.event} → {self.person}"


class MailPreference(models.Model):
    """What one person chose: the language of their mail and the kinds they do not want."""

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        related_name="mail_preference",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language of my mail"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the working language of my organisation's city."),
    )
    unsubscribed = models.JSONField(_("kinds not wanted"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self):
        return str(self.person)
