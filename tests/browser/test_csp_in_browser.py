"""The Content Security Policy holds in a real browser: the pages, htmx's in-place
editing and the Django admin run under it without one violation."""

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports every violation the page sees on the console, where the test collects
# it across navigations. Playwright's init scripts are exempt from the policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.warn(`CSP violation on ${location.pathname}: ${event.violatedDirective}`
    + ` blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watch_csp(page) -> list[str]:
    """Collect CSP violations: the page's events and Chromium's own console errors."""
    violations: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(text)

    page.on("console", on_console)
    return violations


@pytest.fixture
def row(sofia_roadmap, sofia):
    challenge = factories.challenge(sofia_roadmap, title="Inclusion")
    lead = factories.organisation(sofia, "Sofia Municipality", kind="municipality")
    partner_org = factories.organisation(sofia, "Denkstatt Bulgaria", kind="consultancy")
    return factories.action(
        sofia_roadmap,
        challenge=challenge,
        title="School programme",
        lead_partner=lead,
        key_partners=[partner_org],
    )


def test_in_place_edit_with_htmx_runs_under_the_csp(
    page_for, live_server, editor, row, sofia_roadmap
):
    page = page_for(editor)
    violations = watch_csp(page)
    response = page.goto(f"{live_server.url}{sofia_roadmap.get_absolute_url()}")
    policy = response.header_value("content-security-policy")
    assert "'unsafe-inline'" not in policy and "'nonce-" in policy
    page.evaluate("window.__stillThisPage = true")

    table_row = page.locator(f"#action-{row.pk}")
    table_row.get_by_role("link", name="Edit ", exact=False).first.click()
    table_row.locator("form.row-edit-form").wait_for()
    # app.js ran: it added the filter box above the key partners.
    table_row.locator("input[type=search]").fill("denk")
    table_row.get_by_role("textbox", name="Title", exact=True).fill("School CSR programme")
    page.get_by_role("button", name="Save").click()
    table_row.get_by_role("link", name="School CSR programme", exact=True).wait_for()

    assert page.evaluate("window.__stillThisPage") is True  # htmx swapped, no reload
    # htmx injected no <style> of its own: its indicator rules come from app.css.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    row.refresh_from_db()
    assert row.title == "School CSR programme"
    assert violations == []


def test_pages_of_the_site_run_under_the_csp(page_for, live_server, editor, row, sofia_roadmap):
    page = page_for(editor)
    violations = watch_csp(page)
    for url in (
        "/",
        "/roadmaps/",
        sofia_roadmap.get_absolute_url(),
        f"/roadmaps/{sofia_roadmap.pk}/timeline/",
        row.get_absolute_url(),
        f"/actions/{row.pk}/edit/",
        f"/actions/{row.pk}/indicators/",
        "/no-such-page/",
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_django_admin_runs_under_the_csp(page_for, live_server, moderator, row, sofia_roadmap):
    factories.meeting(sofia_roadmap, title="Working group meeting")
    page = page_for(moderator)
    violations = watch_csp(page)
    for url in (
        "/admin/",
        "/admin/actions/action/",
        f"/admin/actions/action/{row.pk}/change/",
        f"/admin/actions/action/{row.pk}/history/",
        "/admin/meetings/meeting/",
        "/admin/meetings/meeting/add/",
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    # Open an autocomplete (Select2, which writes style attributes from script).
    page.goto(f"{live_server.url}/admin/actions/action/{row.pk}/change/")
    page.locator(".field-lead_partner .select2-selection").click()
    page.locator(".select2-results__option").first.wait_for()
    assert violations == []
