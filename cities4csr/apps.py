from django.apps import AppConfig


class Cities4CSRConfig(AppConfig):
    name = "cities4csr"
    verbose_name = "CITIES4CSR"
