from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Who is nudged about what: the daily reminders (deadlines, meetings, minutes) and
    the digests of what a user follows. It reads stakeholders, actions and meetings and
    sends through the outbox; nothing but the roof imports it."""

    name = "notifications"
    verbose_name = _("Notifications")
