"""The timeline's names on a phone (issue 13): a title wraps in its row instead of
being cut at the column's edge; what two lines cannot hold ends in "…", and the
whole title is the link's tooltip."""

import datetime

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = (
    "Годишни награди на Столична община за КСО",
    "Обучения за малки и средни предприятия по ESG",
    "Зелени покриви на общински сгради",
)
LONG = (
    "Споразумение за наемане на хора с увреждания и продължително безработни"
    " в компаниите от работната група на Столична община"
)


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)], ids=["390x844", "1366x768"])
def test_titles_are_readable_in_the_names_column(
    page_for, live_server, editor, sofia_roadmap, size
):
    today = datetime.date.today()
    for title in TITLES:
        factories.action(sofia_roadmap, title=title, start_date=today, deadline=today)
    factories.action(sofia_roadmap, title=LONG)  # no dates
    page = page_for(editor, language="bg", viewport=size)
    page.goto(f"{live_server.url}/roadmaps/{sofia_roadmap.pk}/timeline/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    column = page.locator(".timeline-names").bounding_box()
    names = page.locator(".timeline-name a")
    assert names.count() == len(TITLES) + 1
    for index in range(names.count()):
        name = names.nth(index)
        title = name.get_attribute("title")
        box = name.bounding_box()
        # Within the names column, and nothing cut sideways.
        assert column["x"] <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"]
        assert name.evaluate("a => a.scrollWidth <= a.clientWidth"), title
        if title in TITLES:
            # Whole, in at most two lines of its row.
            assert name.evaluate("a => a.scrollHeight <= a.clientHeight + 1"), title
            assert name.inner_text().replace("\n", " ") == title
    # The longest ends in "…" where it is cut; its tooltip and link text hold all of it.
    long_name = page.locator(".timeline-name a", has_text="Споразумение")
    assert long_name.get_attribute("title") == LONG
    assert long_name.inner_text() == LONG
    # "no dates" sits beside the name, not over it.
    badge = page.locator(".timeline-name-no-dates").bounding_box()
    name_box = long_name.bounding_box()
    assert badge["x"] >= name_box["x"] + name_box["width"]
