from django.apps import AppConfig


class Cities4CSRConfig(AppConfig):
    name = "cities4csr"
    verbose_name = "CITIES4CSR"

    def ready(self):
        # Connect the login signal that starts a session's inactivity clock.
        from . import security  # noqa: F401
