"""Browser tests: Playwright driving Debian's Chromium against live_server.

Where /usr/bin/chromium is missing they skip with the reason, except in CI
(CI=true), where a missing browser is a failure: CI installs it.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make to set up and check data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_or_skip():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def _http_cookies(settings):
    # live_server speaks plain HTTP: production's __Host-/Secure cookies
    # would never be sent back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.CSRF_COOKIE_NAME = "csrftoken"


@pytest.fixture
def page_for(browser, live_server, _http_cookies, settings):
    """page_for(user) gives a page in a fresh browser context logged in as user."""
    from django.test import Client

    contexts = []

    def make(user=None, language="en", viewport=None):
        options = {"locale": language}
        if viewport is not None:
            width, height = viewport
            options["viewport"] = {"width": width, "height": height}
        context = browser.new_context(**options)
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        ]
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            )
        context.add_cookies(cookies)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
