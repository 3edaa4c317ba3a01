"""A pledge's correction page, with its ledger of deliveries, on a 1366×768 laptop and
a 390×844 phone, in Bulgarian, with the demo data: the page does not scroll sideways
(the ledger scrolls in its own box)."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from actions.models import Pledge
from cities4csr import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["1366x768", "390x844"])
def test_pledge_correction_page_fits_the_screen(page_for, live_server, size):
    with override_settings(DEBUG=True):
        demo.load()
    pledge = next(p for p in Pledge.objects.all() if p.deliveries.exists())
    page = page_for(User.objects.get(username="editor"), language="bg", viewport=size)
    page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    assert page.locator("#ledger").count() == 1
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
