from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground every app stands on: permissions, admin scoping, forms, htmx,
    middleware and security. It imports no app but ``stakeholders``."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Connect the login signal that starts a session's inactivity clock, and
        # the hook that gives every SQLite connection a LIKE folding case beyond ASCII.
        from . import security, sqlite  # noqa: F401
