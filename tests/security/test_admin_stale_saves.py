"""Lost updates in the admin, for the models the admin saves itself.

The change form carries the version of the object as the user opened it, and
a save of an inline row moves its parent's version on
(core.admin_versions.VersionedAdmin). Two people open the
same page; the first saves; the second save is refused, with nothing written,
rather than silently putting back what the first changed. The forms are posted
as a browser would send them, read from the page the user was shown.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from actions.models import Challenge, Roadmap
from meetings.models import AgendaItem, Attendance, Contribution, Meeting, NextStep
from meetings.services import proposal_accept
from stakeholders.models import City, Membership, Organisation, Person
from tests import factories

STALE = "since you opened it. Nothing was saved"


class _FormReader(HTMLParser):
    """What a browser would submit from the form ``form_id`` of a page (no button pressed)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.data: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form:
            return
        name = attrs.get("name") or ""
        if "__prefix__" in name:  # the template of an inline's extra form
            name = ""
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value") or "on"))
                return
            self.data.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self._select = {"name": name, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            if select["name"]:
                chosen = select["chosen"] or (
                    [select["first"]] if select["first"] is not None else []
                )
                self.data.extend((select["name"], value) for value in chosen)
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            # Browsers drop the newline that follows <textarea>.
            self.data.append((name, text.removeprefix("\n")))


def opened_form(client, url: str, model) -> dict:
    """GET the change form at ``url``; return what saving it unchanged would post."""
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    data: dict = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def changed(form: dict, **changes) -> dict:
    """``form`` with ``changes`` made; None unticks a checkbox."""
    data = {**form, **changes}
    return {name: value for name, value in data.items() if value is not None}


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def sofia_meeting(sofia_roadmap):
    return factories.meeting(sofia_roadmap, title="Preparing the Action Table")


@pytest.fixture
def sofia_person(sofia_company):
    return factories.person(sofia_company, "Maria Ivanova")


def _object(request, model):
    """A Sofia object of ``model`` for its change form, and who edits it."""
    get = request.getfixturevalue
    if model is Roadmap:
        return get("sofia_roadmap"), "editor"
    if model is Challenge:
        return factories.challenge(get("sofia_roadmap"), title="Air quality"), "editor"
    if model is Meeting:
        return get("sofia_meeting"), "moderator"
    if model is AgendaItem:
        return AgendaItem.objects.create(meeting=get("sofia_meeting"), title="Welcome"), "moderator"
    if model is Attendance:
        attendance = Attendance.objects.create(
            meeting=get("sofia_meeting"), person=get("sofia_person")
        )
        return attendance, "moderator"
    if model is Contribution:
        return Contribution.objects.create(meeting=get("sofia_meeting"), text="A fair"), "moderator"
    if model is NextStep:
        return NextStep.objects.create(meeting=get("sofia_meeting"), description="Draft"), (
            "moderator"
        )
    if model is City:
        return get("sofia"), "network_admin"
    if model is Organisation:
        return get("sofia_company"), "editor"
    if model is Person:
        return get("sofia_person"), "moderator"
    if model is Membership:
        return Membership.objects.get(organisation=get("sofia_company")), "moderator"
    raise AssertionError(model)


# The field each save changes: (name, the first save's value, the second's, as read back).
EDITS = {
    Roadmap: ("title", "First title", "Second title"),
    Challenge: ("title", "First title", "Second title"),
    Meeting: ("title", "First title", "Second title"),
    AgendaItem: ("title", "First title", "Second title"),
    Attendance: ("attended", "on", None),
    Contribution: ("text", "First text", "Second text"),
    NextStep: ("description", "First step", "Second step"),
    City: ("local_name", "Първо", "Второ"),
    Organisation: ("sector", "First sector", "Second sector"),
    Person: ("position", "First job", "Second job"),
    Membership: ("role", "coordinator", "observer"),
}
FIRST_VALUE = {Attendance: True}


@pytest.mark.parametrize("model", list(EDITS), ids=lambda model: model._meta.model_name)
def test_second_save_of_the_same_opened_form_is_refused(request, db, client, model):
    obj, role = _object(request, model)
    field, first, second = EDITS[model]
    client.force_login(request.getfixturevalue(role))
    url = change_url(obj)
    first_page = opened_form(client, url, model)
    second_page = opened_form(client, url, model)

    assert client.post(url, changed(first_page, **{field: first})).status_code == 302
    response = client.post(url, changed(second_page, **{field: second}))

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert f"Somebody else saved this {model._meta.verbose_name} {STALE}" in errors
    obj.refresh_from_db()
    assert getattr(obj, field) == FIRST_VALUE.get(model, first)


def test_change_form_carries_the_version_as_a_hidden_field(client, editor, sofia_roadmap):
    client.force_login(editor)
    response = client.get(change_url(sofia_roadmap))
    assert response.context["adminform"].form["version"].value() == sofia_roadmap.version
    assert f'<input type="hidden" name="version" value="{sofia_roadmap.version}"' in (
        response.content.decode()
    )


def test_page_only_to_view_carries_no_version(client, editor, sofia_meeting):
    client.force_login(editor)
    response = client.get(change_url(sofia_meeting))
    assert not response.context["has_change_permission"]
    assert 'name="version"' not in response.content.decode()


def test_save_without_the_version_is_refused(client, moderator, sofia_meeting):
    client.force_login(moderator)
    form = opened_form(client, change_url(sofia_meeting), Meeting)
    del form["version"]
    response = client.post(change_url(sofia_meeting), changed(form, title="Blind"))
    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.title == "Preparing the Action Table"


def test_refused_save_writes_none_of_its_inline_rows(client, moderator, sofia_meeting):
    item = AgendaItem.objects.create(meeting=sofia_meeting, position=1, title="Welcome")
    client.force_login(moderator)
    url = change_url(sofia_meeting)
    first_page = opened_form(client, url, Meeting)
    second_page = opened_form(client, url, Meeting)
    assert client.post(url, changed(first_page, title="Kick-off")).status_code == 302

    response = client.post(
        url,
        changed(
            second_page,
            title="Second title",
            **{
                "agenda_items-0-title": "Welcome and coffee",
                "agenda_items-TOTAL_FORMS": "2",
                "agenda_items-1-position": "2",
                "agenda_items-1-title": "Added by the stale form",
                "next_steps-TOTAL_FORMS": "1",
                "next_steps-0-position": "1",
                "next_steps-0-description": "Added by the stale form",
            },
        ),
    )

    assert response.status_code == 200
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.title == "Kick-off"
    item.refresh_from_db()
    assert item.title == "Welcome"
    assert list(sofia_meeting.agenda_items.all()) == [item]
    assert not sofia_meeting.next_steps.exists()


def test_inline_row_saved_elsewhere_makes_the_meeting_form_stale(client, moderator, sofia_meeting):
    """Saving the meeting would post the agenda item back as the user saw it."""
    item = AgendaItem.objects.create(meeting=sofia_meeting, position=1, title="Welcome")
    client.force_login(moderator)
    url = change_url(sofia_meeting)
    meeting_page = opened_form(client, url, Meeting)
    item_page = opened_form(client, change_url(item), AgendaItem)
    assert (
        client.post(change_url(item), changed(item_page, title="Welcome and coffee")).status_code
        == 302
    )

    response = client.post(url, changed(meeting_page, phase="Drafting"))

    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    item.refresh_from_db()
    assert item.title == "Welcome and coffee"
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.phase == ""


def test_form_shown_again_stays_refused_until_opened_anew(client, editor, sofia_roadmap):
    client.force_login(editor)
    url = change_url(sofia_roadmap)
    first_page = opened_form(client, url, Roadmap)
    second_page = opened_form(client, url, Roadmap)
    client.post(url, changed(first_page, title="First title"))

    refused = client.post(url, changed(second_page, title="Second title"))
    assert refused.context["adminform"].form["version"].value() == second_page["version"]
    assert f'name="version" value="{second_page["version"]}"' in refused.content.decode()
    again = client.post(url, changed(second_page, title="Second title"))
    assert again.status_code == 200

    reopened = opened_form(client, url, Roadmap)
    assert client.post(url, changed(reopened, title="Second title")).status_code == 302
    sofia_roadmap.refresh_from_db()
    assert sofia_roadmap.title == "Second title"


def test_unchanged_object_saves_after_a_validation_error(client, editor, sofia_roadmap):
    """A form error of the user's own is not a conflict: fixed, the same form saves."""
    client.force_login(editor)
    url = change_url(sofia_roadmap)
    form = opened_form(client, url, Roadmap)
    response = client.post(url, changed(form, title=""))
    assert response.status_code == 200
    assert STALE not in str(response.context["adminform"].form.non_field_errors())
    assert client.post(url, changed(form, title="Fixed")).status_code == 302


def test_inline_row_changed_on_the_meeting_page_makes_its_own_page_stale(
    client, moderator, sofia_meeting
):
    item = AgendaItem.objects.create(meeting=sofia_meeting, position=1, title="Welcome")
    client.force_login(moderator)
    item_page = opened_form(client, change_url(item), AgendaItem)
    meeting_page = opened_form(client, change_url(sofia_meeting), Meeting)
    saved = client.post(
        change_url(sofia_meeting), changed(meeting_page, **{"agenda_items-0-title": "Coffee"})
    )
    assert saved.status_code == 302

    response = client.post(change_url(item), changed(item_page, duration_minutes="15"))

    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Coffee", None)


def test_proposal_accepted_since_makes_the_meeting_page_stale(client, moderator, sofia_meeting):
    """Saving the meeting would post the proposal back as not yet accepted."""
    proposal = Contribution.objects.create(
        meeting=sofia_meeting,
        kind=Contribution.Kind.PROPOSAL,
        outcome=Contribution.Outcome.ACCEPTED,
        text="A CSR fair",
    )
    client.force_login(moderator)
    meeting_page = opened_form(client, change_url(sofia_meeting), Meeting)
    proposal_accept(contribution=proposal, by=moderator)

    response = client.post(change_url(sofia_meeting), changed(meeting_page, phase="Drafting"))

    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    proposal.refresh_from_db()
    assert proposal.produced_action is not None


def test_inline_row_deleted_on_its_own_page_makes_the_meeting_page_stale(
    client, moderator, sofia_meeting
):
    """Saving the meeting would post the deleted agenda item back (and fail on it)."""
    item = AgendaItem.objects.create(meeting=sofia_meeting, position=1, title="Welcome")
    client.force_login(moderator)
    meeting_page = opened_form(client, change_url(sofia_meeting), Meeting)
    deleted = client.post(
        reverse("admin:meetings_agendaitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302

    response = client.post(change_url(sofia_meeting), changed(meeting_page, phase="Drafting"))

    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    sofia_meeting.refresh_from_db()
    assert sofia_meeting.phase == ""
