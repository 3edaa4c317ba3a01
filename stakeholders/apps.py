from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, app_config=None, using="default", apps=None, **kwargs):
    """Bring the role groups and their permissions to what ``core.roles`` says.

    The one role sync: it runs after every ``migrate`` (a fresh database, the
    test database, a deployment that changed the roles) and after every
    ``flush`` (which empties the auth tables between transactional and browser
    tests). Migration 0002 also made the groups, once, from its frozen table;
    that is history, and nothing relies on it.
    """
    from django.contrib.auth.management import create_permissions

    from core.roles import sync_roles

    apps = apps or sender.apps
    # Django makes each app's permissions in that app's own post_migrate turn;
    # the roles name permissions of apps whose turn may come after this one.
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
