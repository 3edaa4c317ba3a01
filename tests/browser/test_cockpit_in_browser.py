"""The moderator's accept page in the admin, in Bulgarian at 1366×768 (issue 13):
the admin's own form, the partners searched as on the row's admin page, the
deadline typed the Bulgarian way, and the row created with all of it."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action
from meetings.models import Contribution
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposal(sofia, sofia_roadmap):
    chamber = factories.organisation(sofia, "Търговска камара")
    factories.organisation(sofia, "Зелена логистика")
    factories.organisation(sofia, "Зелени училища")
    factories.challenge(sofia_roadmap, title="Приобщаване")
    meeting = factories.meeting(sofia_roadmap, start=timezone.now() - datetime.timedelta(hours=2))
    return Contribution.objects.create(
        meeting=meeting,
        kind="proposal",
        organisation=chamber,
        text="Менторска програма за малки фирми",
        outcome="accepted",
    )


def test_the_accept_page_is_the_admins_form_with_searchable_partners(
    page_for, live_server, moderator, proposal
):
    page = page_for(moderator, language="bg", viewport=(1366, 768))
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/meetings/contribution/{proposal.pk}/accept/")
    # The proposal's organisation is prefilled among the key partners.
    assert "Търговска камара" in page.locator(".field-key_partners").inner_text()
    # The admin's form styles: labels beside the fields in aligned rows.
    label = page.locator(".field-title label").bounding_box()
    field = page.locator(".field-title input").bounding_box()
    assert label["x"] + label["width"] <= field["x"] and abs(label["y"] - field["y"]) < 20
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator(".field-challenge select").select_option(label="Приобщаване")
    partners = page.locator(".field-key_partners")
    partners.locator(".select2-search__field").click()
    partners.locator(".select2-search__field").press_sequentially("зелен")
    page.locator(".select2-results__option", has_text="Зелени училища").click()
    lead = page.locator(".field-lead_partner .select2-selection")
    lead.click()
    page.locator(".select2-search--dropdown .select2-search__field").press_sequentially("логист")
    page.locator(".select2-results__option", has_text="Зелена логистика").click()
    # The admin's calendar beside the deadline, which takes a date typed as Bulgarians do.
    page.locator(".field-deadline .datetimeshortcuts").wait_for()
    page.locator(".field-deadline input").fill("30.06.2027")
    page.get_by_role("button", name="Приеми в Таблицата за действия").click()
    page.locator(".messagelist .success").wait_for()

    row = Action.objects.get(produced_by=proposal)
    assert row.challenge.title == "Приобщаване"
    assert row.lead_partner.name == "Зелена логистика"
    assert {o.name for o in row.key_partners.all()} == {"Търговска камара", "Зелени училища"}
    assert row.deadline == datetime.date(2027, 6, 30)
    assert errors == []


def test_the_meetings_tools_read_as_their_help_and_invite_in_one_click(
    page_for, live_server, moderator, sofia, sofia_roadmap
):
    from meetings.models import Attendance

    company = factories.organisation(sofia, "Зелена логистика")
    factories.person(company, "Росица Тестова", consent_to_contact=True)
    factories.person(company, "Иван Иванов")
    meeting = factories.meeting(sofia_roadmap)
    page = page_for(moderator, language="bg", viewport=(1366, 768))
    page.goto(f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/change/")
    tools = page.locator(".object-tools")
    # Written as the help names the step, not in capitals ("ПРИКЛЮЧИ СРЕЩАТА").
    close = tools.get_by_role("link", name="Приключи срещата")
    assert close.inner_text() == "Приключи срещата"
    assert "„Приключи срещата“" in page.locator("fieldset .description").last.inner_text()
    # The tools sit under the title, not over it.
    title = page.locator("#content h2").first.bounding_box()
    assert tools.bounding_box()["y"] >= title["y"] + title["height"]

    tools.get_by_role("button", name="Покани работната група").click()
    page.locator(".messagelist .success").wait_for()
    assert "2 лица от работната група" in page.locator(".messagelist").inner_text()
    assert Attendance.objects.filter(meeting=meeting, invited=True).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
