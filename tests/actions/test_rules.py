"""Each rule of an Action Table row has one home; the row form, the admin, the
importer and the services call it and give the same answer, each placing its
errors on its own fields.

Every caller below takes the row and the changes (as model values) and returns
the errors it shows, by field: the importer's by the column of the cell.
"""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from actions import services
from actions.forms import ActionForm
from actions.models import Action
from actions.workbook.import_ import ImportFailed, preview_import
from actions.workbook.import_apply import apply_import
from tests import factories
from tests.factories import action_admin_form

# The importer's headers, in English.
HEADERS = {
    "title": "Action",
    "activity_type": "Type of activity",
    "id": "ID",
    "version": "Version",
    "lead_partner": "Lead partner",
    "key_partners": "Key partners",
    "start_date": "Start",
    "deadline": "Deadline",
}


def _posted(action: Action, changes: dict) -> dict:
    """``changes`` as a browser posts them."""
    posted = {}
    for name, value in changes.items():
        if name == "key_partners":
            posted[name] = [partner.pk for partner in value]
        elif name == "lead_partner":
            posted[name] = value.pk if value else ""
        else:
            posted[name] = "" if value is None else value
    return action_admin_form(action, **posted)


def row_form_errors(client, editor, action: Action, changes: dict) -> dict[str, list[str]]:
    form = ActionForm(_posted(action, changes), instance=action, roadmap=action.roadmap)
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def admin_errors(client, editor, action: Action, changes: dict) -> dict[str, list[str]]:
    client.force_login(editor)
    url = reverse("admin:actions_action_change", args=[action.pk])
    response = client.post(url, _posted(action, changes))
    if response.status_code == 302:
        return {}
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    return {name: list(messages) for name, messages in errors.items()}


def importer_errors(client, editor, action: Action, changes: dict) -> dict[str, list[str]]:
    keys = ["title", "activity_type", "id", "version", *changes]
    cells = {"title": action.title, "activity_type": action.activity_type}
    cells.update(id=action.pk, version=action.version)
    for name, value in changes.items():
        if name == "key_partners":
            value = "; ".join(partner.name for partner in value)
        elif name == "lead_partner":
            value = value.name if value else None
        elif value is not None and name in ("start_date", "deadline"):
            value = value.strftime("%d.%m.%Y")
        cells[name] = value
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append([HEADERS[key] for key in keys])
    sheet.append([cells[key] for key in keys])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    (row,) = preview_import(action.roadmap, out).rows
    letters = {openpyxl.utils.get_column_letter(i + 1): key for i, key in enumerate(keys)}
    errors: dict[str, list[str]] = {}
    for error in row.errors:
        letter, message = re.fullmatch(r"([A-Z]+)2: (.*)", error).groups()
        errors.setdefault(letters[letter], []).append(message)
    return errors


def service_errors(client, editor, action: Action, changes: dict) -> dict[str, list[str]]:
    try:
        services.action_update(
            action=action, data=changes, by=editor, expected_version=action.version
        )
    except ValidationError as error:
        return error.message_dict
    return {}


CALLERS = [row_form_errors, admin_errors, importer_errors, service_errors]


@pytest.fixture
def row(sofia_roadmap):
    return factories.action(sofia_roadmap, title="School programme")


@pytest.mark.parametrize("caller", CALLERS)
def test_the_lead_partner_cannot_also_be_a_key_partner(
    client, editor, sofia, sofia_company, row, caller
):
    other = factories.organisation(sofia, "Other Ltd")
    refused = caller(
        client, editor, row, {"lead_partner": sofia_company, "key_partners": [sofia_company]}
    )
    assert refused.get("key_partners") == ["The lead partner cannot also be a key partner."]
    row.refresh_from_db()
    assert row.lead_partner is None and row.version == 1
    accepted = caller(client, editor, row, {"lead_partner": sofia_company, "key_partners": [other]})
    assert accepted == {}


def test_partner_errors_takes_organisations_or_their_ids(sofia_company):
    message = ["The lead partner cannot also be a key partner."]
    for lead, key_partners in [
        (sofia_company, [sofia_company]),
        (sofia_company.pk, {sofia_company.pk}),
    ]:
        assert services.partner_errors(lead_partner=lead, key_partners=key_partners) == {
            "key_partners": message
        }
    assert services.partner_errors(lead_partner=None, key_partners=None) == {}
    assert services.partner_errors(lead_partner=sofia_company, key_partners=[]) == {}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("field", ["lead_partner", "key_partners"])
def test_only_the_roadmaps_eligible_partners_may_take_part(
    client, editor, sofia, vratsa, sofia_roadmap, row, caller, field
):
    """The city's organisations, its working group's members and those already
    involved in the roadmap; no other."""
    outsider = factories.organisation(vratsa, "Vratsa Outsider Ltd")
    member = factories.organisation(vratsa, "Vratsa Member Ltd", member=False)
    sofia.memberships.create(organisation=member)
    involved = factories.organisation(vratsa, "Vratsa Involved Ltd", member=False)
    factories.action(sofia_roadmap, title="Earlier row", lead_partner=involved)
    assert set(sofia_roadmap.eligible_partners()) >= {member, involved}
    assert outsider not in sofia_roadmap.eligible_partners()

    def change(organisation):
        return {field: organisation if field == "lead_partner" else [organisation]}

    refused = caller(client, editor, row, change(outsider))
    assert list(refused) == [field]
    row.refresh_from_db()
    assert row.version == 1
    for organisation in (member, involved):
        assert caller(client, editor, row, change(organisation)) == {}
        row.refresh_from_db()


def test_the_service_says_why_an_organisation_is_refused(editor, vratsa, row):
    outsider = factories.organisation(vratsa, "Vratsa Outsider Ltd")
    errors = service_errors(
        None, editor, row, {"lead_partner": outsider, "key_partners": [outsider]}
    )
    message = "Only organisations of the roadmap's city or of its working group may take part."
    assert errors == {
        "lead_partner": [message],
        "key_partners": ["The lead partner cannot also be a key partner.", message],
    }
    assert service_errors(None, editor, row, {"key_partners": [10**9]}) == {
        "key_partners": ["Unknown organisation."]
    }


def test_history_names_the_author_and_a_reason_cut_alike_for_rows_and_meetings(
    editor, sofia_roadmap, row
):
    from meetings.services.common import save_with_history

    reason = "r" * 150
    services.action_update(
        action=row, data={"title": "Renamed"}, by=editor, expected_version=1, reason=reason
    )
    meeting = factories.meeting(sofia_roadmap)
    meeting.title = "Renamed"
    save_with_history(meeting, by=editor, reason=reason)
    for record in (row.history.latest(), meeting.history.latest()):
        assert (record.history_user, record.history_change_reason) == (editor, "r" * 100)


# Where each caller places the message of the database's constraint on the dates.
DATES_ERROR_FIELD = {
    row_form_errors: "deadline",
    admin_errors: "__all__",
    importer_errors: "deadline",
    service_errors: "__all__",
}


@pytest.mark.parametrize("caller", CALLERS)
def test_the_deadline_cannot_be_before_the_start(client, editor, row, caller):
    start, deadline = datetime.date(2024, 5, 1), datetime.date(2024, 4, 1)
    refused = caller(client, editor, row, {"start_date": start, "deadline": deadline})
    assert refused == {DATES_ERROR_FIELD[caller]: ["The deadline cannot be before the start."]}
    row.refresh_from_db()
    assert (row.start_date, row.deadline, row.version) == (None, None, 1)
    for accepted in ({"start_date": start, "deadline": start}, {"start_date": None}):
        assert caller(client, editor, row, accepted) == {}
        row.refresh_from_db()


def test_the_importer_shows_a_start_after_the_saved_deadline_on_the_start_cell(
    client, editor, sofia_roadmap
):
    row = factories.action(sofia_roadmap, deadline=datetime.date(2024, 4, 1))
    errors = importer_errors(client, editor, row, {"start_date": datetime.date(2024, 5, 1)})
    assert errors == {"start_date": ["The deadline cannot be before the start."]}


def test_a_row_that_breaks_a_constraint_at_apply_is_refused_not_a_500(editor, sofia_roadmap):
    """The dates moved on between the preview and the apply, without a new version:
    the database refuses the row, and the import stops with the constraint's message."""
    first = factories.action(sofia_roadmap, title="First")
    row = factories.action(sofia_roadmap, title="Second")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action Table"
    sheet.append(["Action", "Type of activity", "Start", "ID", "Version"])
    sheet.append(["First, renamed", "event", None, first.pk, 1])
    sheet.append(["Second", "event", "01.05.2024", row.pk, 1])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    preview = preview_import(sofia_roadmap, out)
    assert preview.can_apply
    Action.objects.filter(pk=row.pk).update(deadline=datetime.date(2024, 4, 1))
    with pytest.raises(ImportFailed) as failed:
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert failed.value.message == "Row 3: The deadline cannot be before the start."
    first.refresh_from_db()
    row.refresh_from_db()
    assert (first.title, first.version, row.start_date) == ("First", 1, None)


def test_violated_constraint_names_the_constraint_the_database_refused(sofia_roadmap):
    row = factories.action(sofia_roadmap)
    for changes, name in [
        ({"progress": 140}, "action_progress_0_100"),
        (
            {"start_date": datetime.date(2024, 5, 1), "deadline": datetime.date(2024, 4, 1)},
            "action_deadline_not_before_start",
        ),
    ]:
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            Action.objects.filter(pk=row.pk).update(**changes)
        assert Action.violated_constraint(refused.value).name == name
    assert Action.violated_constraint(IntegrityError("UNIQUE constraint failed: x.y")) is None
