"""The app's name, icon and colours on every page, the admin's included."""

from django.contrib.staticfiles import finders
from django.urls import reverse

from tests import factories


def test_the_icon_and_the_stylesheets_exist():
    for path in ("favicon.svg", "css/admin.css"):
        assert finders.find(path), path


def test_the_front_end_links_its_icon(client, editor):
    icon = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert icon in client.get(reverse("login")).content.decode()
    client.force_login(editor)
    assert icon in client.get(reverse("dashboard")).content.decode()


def test_favicon_ico_leads_to_the_icon_for_anybody(client, editor):
    # Browsers ask for /favicon.ico whatever the page links: no 404 in every log.
    for signed_in in (False, True):
        if signed_in:
            client.force_login(editor)
        response = client.get("/favicon.ico")
        assert response.status_code == 301
        assert response["Location"] == "/static/favicon.svg"


def test_the_admin_carries_the_apps_name_icon_and_colours(client, moderator):
    client.force_login(moderator)
    for url in (reverse("admin:index"), reverse("admin:meetings_meeting_changelist")):
        html = client.get(url).content.decode()
        assert "/static/favicon.svg" in html and "/static/css/admin.css" in html, url
        assert "CSR Action Table: administration" in html
        assert "Django administration" not in html and "Django site admin" not in html
    html = client.get(reverse("admin:index")).content.decode()
    assert "<title>Administration | CSR Action Table</title>" in html
    client.cookies["django_language"] = "bg"
    html = client.get(reverse("admin:index")).content.decode()
    assert "Django администрация" not in html


def test_the_login_attempts_have_a_section_of_their_own(client, db):
    client.force_login(factories.user("root", is_superuser=True, is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Login attempts" in html and ">Axes<" not in html


def test_the_pages_of_an_action_start_their_breadcrumb_at_the_roadmaps(
    client, editor, sofia_roadmap
):
    action = factories.action(sofia_roadmap, title="Trees")
    client.force_login(editor)
    root = (
        f'<li class="breadcrumb-item"><a href="{reverse("actions:roadmap_list")}">Roadmaps</a></li>'
    )
    for name in ("actions:action", "actions:action_indicators", "actions:action_edit"):
        html = client.get(reverse(name, args=[action.pk])).content.decode()
        assert root in html, name
