"""django-axes under the name its admin section has for the people who read it."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginAttemptsConfig(AppConfig):
    """django-axes' own config, relabelled: its admin section is "Axes" otherwise.

    Django's way to rename a third-party app (INSTALLED_APPS names this class);
    the models' names are translated by the project's catalogue (core/catalogue.py).
    """

    verbose_name = _("Login attempts")
