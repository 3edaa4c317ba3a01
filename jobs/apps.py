from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """A user's background work (a large export; next, a large import): the job row
    its task reports progress to, the result it keeps for its owner, and the page
    that shows both. It imports ``core`` only, so that every app may run jobs."""

    name = "jobs"
    verbose_name = _("Background jobs")
