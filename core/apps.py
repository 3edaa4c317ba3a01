from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
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


class CityAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin``, whose ``admin.site`` is ``core.admin_site.CityAdminSite``."""

    default = False  # "core" in INSTALLED_APPS is CoreConfig; this one is named in full
    default_site = "core.admin_site.CityAdminSite"
