"""A lost-update conflict names who saved the row as the action's history names
them (issue 16): the person, never a login name; a partner with its organisation;
to a reader who may not see people, the organisation or "a member of staff"."""

import pytest
from django.urls import reverse
from django.utils.translation import activate

from actions import services
from actions.models import Roadmap
from stakeholders.models import Person
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english():
    activate("en")


@pytest.fixture
def shared(sofia_roadmap, sofia_company, sofia):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    ngo = factories.organisation(sofia, "Green NGO", kind="ngo")
    action = factories.action(
        sofia_roadmap, title="School programme", lead_partner=sofia_company, key_partners=[ngo]
    )
    return {"action": action, "ngo": ngo}


def _stale_post(client, action, version, **data):
    return client.post(
        reverse("actions:action_edit", args=[action.pk]),
        factories.action_form(action, version=version, **data),
        **HTMX,
    )


def _message(response) -> str:
    assert response.status_code == 409
    html = response.content.decode()
    start = html.index('class="alert alert-warning conflict"')
    return html[start : html.index("</p>", start)]


def test_editor_reads_the_full_name_of_the_editor_who_saved(client, editor, moderator, shared):
    row = shared["action"]
    editor.first_name, editor.last_name = "Elena", "Petrova"
    editor.save()
    opened = row.version
    services.action_update(action=row, data={"progress": 30}, by=editor, expected_version=opened)
    client.force_login(moderator)
    message = _message(_stale_post(client, row, opened, progress=60))
    assert "Elena Petrova saved this action" in message
    assert "Editor saved" not in message  # not the login name


def test_a_login_without_a_full_name_is_named_by_its_person(client, editor, moderator, shared):
    row = shared["action"]
    Person.objects.create(name="Elena Petrova", user=editor)
    opened = row.version
    services.action_update(action=row, data={"progress": 30}, by=editor, expected_version=opened)
    client.force_login(moderator)
    assert "Elena Petrova saved this action" in _message(_stale_post(client, row, opened))


def test_editor_reads_the_partner_and_its_organisation(
    client, editor, partner, shared, sofia_company
):
    action = shared["action"]
    partner.person.name = "Ivan Ivanov"
    partner.person.save()
    opened = action.version
    services.action_update(
        action=action, data={"progress": 30}, by=partner, expected_version=opened
    )
    client.force_login(editor)
    message = _message(_stale_post(client, action, opened, progress=60))
    assert f"Ivan Ivanov ({sofia_company.name}) saved this action" in message


def test_partner_reads_the_other_partners_organisation_only(client, partner, shared):
    action = shared["action"]
    other = factories.user("ngo-partner", role="partner", organisation_=shared["ngo"])
    other.person.name = "Maria Georgieva"
    other.person.save()
    opened = action.version
    services.action_update(action=action, data={"progress": 30}, by=other, expected_version=opened)
    client.force_login(partner)
    response = client.post(
        reverse("actions:action_edit", args=[action.pk]),
        {"status": action.status, "progress": 50, "version": opened},
        **HTMX,
    )
    message = _message(response)
    assert "Green NGO saved this action" in message
    assert "Maria" not in message and "ngo-partner" not in message


def test_partner_reads_a_member_of_staff(client, partner, editor, shared):
    action = shared["action"]
    editor.first_name, editor.last_name = "Elena", "Petrova"
    editor.save()
    opened = action.version
    services.action_update(action=action, data={"progress": 30}, by=editor, expected_version=opened)
    client.force_login(partner)
    response = client.post(
        reverse("actions:action_edit", args=[action.pk]),
        {"status": action.status, "progress": 50, "version": opened},
        **HTMX,
    )
    message = _message(response)
    assert "A member of staff saved this action" in message
    assert "Elena" not in message


def _stale_workbook(client, user, action, saver, **saved):
    """The roadmap's workbook as ``user`` downloads it, its row of ``action`` edited,
    then ``action`` saved by ``saver`` (so that the file's row is stale)."""
    from tests.actions.test_workbook_partner_import import PROGRESS, as_file, exported, row_of

    workbook = exported(client, user, action.roadmap)
    sheet = workbook["Action Table"]
    sheet[f"{PROGRESS}{row_of(sheet, action.pk)}"] = 0.9
    services.action_update(action=action, data=saved, by=saver, expected_version=action.version)
    return as_file(workbook)


def test_the_import_preview_names_who_saved_a_conflicting_row(
    client, editor, moderator, shared, settings, tmp_path
):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path)
    moderator.first_name, moderator.last_name = "Mila", "Koleva"
    moderator.save()
    action = shared["action"]
    upload = _stale_workbook(client, editor, action, moderator, progress=10)
    response = client.post(
        reverse("actions:import", args=[action.roadmap_id]), {"workbook": upload}
    )
    (row,) = [row for row in response.context["preview"].rows if row.action_id == action.pk]
    assert (row.kind, row.saved_by) == ("conflict", "Mila Koleva")
    assert "The file has version 1; Mila Koleva saved the action since, as version 2." in (
        response.content.decode()
    )


def test_a_partners_import_preview_names_the_staff_as_staff(
    client, partner, editor, shared, settings, tmp_path
):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path)
    editor.first_name, editor.last_name = "Elena", "Petrova"
    editor.save()
    action = shared["action"]
    upload = _stale_workbook(client, partner, action, editor, progress=10)
    response = client.post(
        reverse("actions:import", args=[action.roadmap_id]), {"workbook": upload}
    )
    (row,) = [row for row in response.context["preview"].rows if row.action_id == action.pk]
    assert (row.kind, row.saved_by) == ("conflict", "a member of staff")
    assert "Elena" not in response.content.decode()
