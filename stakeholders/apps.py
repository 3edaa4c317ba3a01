from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, app_config=None, using="default", apps=None, **kwargs):
    """Keep the role groups and their permissions as core.roles says,
    after every migrate and every test flush (which empties auth tables)."""
    from django.contrib.auth.management import create_permissions

    from core.roles import sync_roles

    apps = apps or sender.apps
    for config in apps.get_app_configs():
        # The migration state's app configs have no models module, which
        # create_permissions takes as "no models"; lend one for the call.
        stub = getattr(config, "models_module", None) is None
        if stub:
            config.models_module = True
        try:
            create_permissions(config, apps=apps, verbosity=0, using=using)
        finally:
            if stub:
                config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class StakeholdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="stakeholders.sync_roles")
