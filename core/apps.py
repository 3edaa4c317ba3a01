from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground every app stands on: permissions, admin scoping, forms, htmx,
    middleware and security. It imports no app but ``stakeholders``."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Connect the login signal that starts a session's inactivity clock.
        from . import security  # noqa: F401
