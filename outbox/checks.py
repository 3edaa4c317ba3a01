from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.urls, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """Mails sent by tasks and commands have no request to take the host from."""
    if not settings.SITE_URL.startswith(("https://", "http://")):
        return [
            checks.Warning(
                "SITE_URL is not set: the links in mails (pages, unsubscribe) would have no host.",
                hint="Set SITE_URL to the site's public address, e.g. https://csr.example.org",
                id="outbox.W001",
            )
        ]
    return []
