from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every mail the app sends: queued with a log row per recipient and event (so
    nothing goes twice), delivered by a task that retries, in the recipient's
    language, with a signed unsubscribe link. It imports ``core`` and
    ``stakeholders`` only, so that every app may send through it."""

    name = "outbox"
    verbose_name = _("Mail")

    def ready(self):
        from . import checks, signals  # noqa: F401
