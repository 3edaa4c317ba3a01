"""The dashboard's counts on a 390×844 phone and a 1366×768 laptop, in Bulgarian, with
the demo data: each roadmap's actions, overdue and due-soon counts are on the screen
without scrolling the table sideways (on a phone a line under the roadmap's title,
on a laptop the table's columns)."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from cities4csr import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What of the first roadmap's row shows its counts: visible elements and their right edges.
COUNTS = """() => {
  const row = document.querySelector('section[aria-labelledby="my-roadmaps"] tbody tr');
  const shown = el => el.getClientRects().length > 0;
  const line = row.querySelector('.roadmap-counts');
  const cells = [...row.querySelectorAll('td.text-end')].filter(shown);
  const parts = shown(line) ? [...line.querySelectorAll('li')] : cells;
  return {
    where: shown(line) ? 'line' : 'columns',
    texts: parts.map(el => el.textContent.trim().replace(/\\s+/g, ' ')),
    right: Math.max(...parts.map(el => el.getBoundingClientRect().right)),
    box: row.closest('.table-responsive').getBoundingClientRect().right,
  };
}"""


@pytest.fixture
def demo_data():
    with override_settings(DEBUG=True):
        demo.load()


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)], ids=["390x844", "1366x768"])
@pytest.mark.parametrize("username", ["editor", "partner"])
def test_the_dashboards_counts_are_on_the_screen(page_for, live_server, demo_data, username, size):
    page = page_for(User.objects.get(username=username), language="bg", viewport=size)
    page.goto(f"{live_server.url}/")
    counts = page.evaluate(COUNTS)
    assert counts["where"] == ("line" if size[0] == 390 else "columns")
    # Actions, overdue, due soon, and their organisation's (the demo editor's is the
    # municipality).
    assert len(counts["texts"]) == 4, counts
    if size[0] == 390:
        assert counts["texts"][1].startswith("Просрочени: "), counts
    assert counts["right"] <= counts["box"] + 1, counts
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
