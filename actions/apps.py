from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"
    verbose_name = _("Action Table")

    def ready(self):
        from . import checks  # noqa: F401  (registers the app's system checks)
        from .import_tasks import register_job_access as register_import_access
        from .tasks import register_job_access

        register_job_access()
        register_import_access()
