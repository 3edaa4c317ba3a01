"""The filter box the page's script puts above a long list of partners (a
searchable multiple select): its label stands on a line of its own, under the
field's label, not run on from it ("Key partners Filter the list")."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_the_filter_label_is_on_its_own_line_under_the_fields_label(
    page_for, live_server, editor, sofia, sofia_roadmap, viewport
):
    for name in ("Green NGO", "Chamber of Commerce", "Volunteers for Sofia"):
        factories.organisation(sofia, name)
    action = factories.action(sofia_roadmap, title="Green roofs")
    page = page_for(editor, language="en", viewport=viewport)
    page.goto(f"{live_server.url}{reverse('actions:action_edit', args=[action.pk])}")
    field_label = page.locator("div:has(> select[name=key_partners]) > label").first.bounding_box()
    filter_label = page.locator("label[for$='key_partners-filter']")
    assert filter_label.inner_text() == "Filter the list"
    box = filter_label.bounding_box()
    assert box["y"] >= field_label["y"] + field_label["height"] - 1
    assert abs(box["x"] - field_label["x"]) < 2
