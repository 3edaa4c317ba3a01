"""The import's mapping step on a 390×844 phone, in Bulgarian: every choice (the
field of a column, the default type of activity, the kind of an organisation to
create) stays inside the screen, however long the names in the file."""

import openpyxl
import pytest
from django.utils import translation

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_mapping_steps_choices_fit_a_phone(
    page_for, live_server, settings, tmp_path, editor, sofia_roadmap, sofia
):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")
    factories.organisation(sofia, "Столична община")
    book = openpyxl.Workbook()
    book.active.append(["Дейност", "Водещ партньор", "Партньори", "Срок"])
    book.active.append(
        ["Кръгла маса", "Столична община", "Фондация за дълги имена на организации", "Q2 2027"]
    )
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with translation.override("bg"):
        page = page_for(editor, language="bg", viewport=(390, 844))
    page.goto(f"{live_server.url}/roadmaps/{sofia_roadmap.pk}/import/")
    page.set_input_files("#id_workbook", str(path))
    page.locator("form button[type=submit].btn-primary").click()
    page.locator("#import-default-activity-type").wait_for()
    outside = page.evaluate(
        """() => [...document.querySelectorAll('main select')]
            .filter(s => s.getBoundingClientRect().right > window.innerWidth)
            .map(s => s.name)"""
    )
    assert outside == []
