"""Pages beyond the issue's list that staff and partners open every day, on a
1366×768 laptop and a 390×844 phone, in Bulgarian, with the demo data (issue 13):
none scrolls sideways (a wide table scrolls in its own box)."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from actions.models import Roadmap
from cities4csr import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo_roadmap():
    with override_settings(DEBUG=True):
        demo.load()
    return Roadmap.objects.get(city__name="Sofia")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["1366x768", "390x844"])
def test_everyday_pages_fit_the_screen(page_for, live_server, demo_roadmap, size):
    # The row with the most on its page: indicators, funding lines and pledges.
    action = max(
        demo_roadmap.actions.all(),
        key=lambda a: a.indicators.count() + a.funding_lines.count() + a.pledges.count(),
    )
    pages = {
        "editor": (
            "/roadmaps/",
            action.get_absolute_url(),
            f"/actions/{action.pk}/indicators/",
            f"/admin/actions/action/{action.pk}/change/",
            "/admin/actions/indicator/",
            f"/admin/actions/action/{action.pk}/history/",
        ),
        "partner": ("/roadmaps/", action.get_absolute_url()),
    }
    failures = []
    for username, urls in pages.items():
        page = page_for(User.objects.get(username=username), language="bg", viewport=size)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            if not page.evaluate(FITS):
                width = page.evaluate("document.documentElement.scrollWidth")
                failures.append(f"{username} {url}: the page is {width} px wide")
    assert failures == []
