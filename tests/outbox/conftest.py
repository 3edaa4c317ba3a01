import pytest

from .smtp import smtp_settings, start_server


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port of 127.0.0.1; the app's mail goes to it."""
    controller, mailbox = start_server()
    for name, value in smtp_settings(controller).items():
        setattr(settings, name, int(value) if name == "EMAIL_PORT" else value)
    settings.EMAIL_USE_TLS = False
    mailbox.controller = controller
    yield mailbox
    controller.stop()
