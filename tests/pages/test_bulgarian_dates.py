"""Dates in Bulgarian: shown d.m.Y with a 24-hour clock everywhere, and typed
30.06.2027, 3.6.2027 or 2027-06-30 in every date field, front end and admin."""

import datetime
import io
import re
import zoneinfo

import pytest
from django import forms
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, translation
from docx import Document

from actions import services
from actions.forms import ActionForm, IndicatorForm
from meetings.forms import ProposalRowForm
from meetings.models import Attendance
from meetings.services import meeting_invitations_send
from tests import factories

SOFIA = zoneinfo.ZoneInfo("Europe/Sofia")
START = datetime.datetime(2026, 2, 6, 10, 0, tzinfo=SOFIA)
# What the US-style formats wrote: "09/16/2021", "10 преди обяд", "Септ. 16, 2021".
US_STYLE = re.compile(r"преди обяд|след обяд|\b\d{2}/\d{2}/\d{4}\b|[А-Я][а-я]+\. \d{1,2}, \d{4}")


def bg(client):
    client.cookies["django_language"] = "bg"
    return client


@pytest.mark.parametrize(
    ("name", "value", "written"),
    [
        ("DATE_FORMAT", datetime.date(2027, 6, 30), "30.06.2027"),
        ("SHORT_DATE_FORMAT", datetime.date(2027, 6, 3), "03.06.2027"),
        ("DATETIME_FORMAT", datetime.datetime(2027, 6, 30, 14, 30), "30.06.2027 14:30"),
        ("SHORT_DATETIME_FORMAT", datetime.datetime(2027, 6, 30, 9, 5), "30.06.2027 09:05"),
    ],
)
def test_bulgarian_formats_write_day_month_year_and_a_24_hour_clock(name, value, written):
    with translation.override("bg"):
        assert formats.date_format(value, name) == written
        assert formats.time_format(datetime.time(14, 30), "TIME_FORMAT") == "14:30"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


@pytest.fixture
def meeting(sofia_roadmap):
    return factories.meeting(
        sofia_roadmap,
        title="Kick-off",
        start=START,
        end=START + datetime.timedelta(hours=2, minutes=30),
        status="held",
    )


@pytest.fixture
def dated_action(sofia_roadmap, editor):
    action = factories.action(
        sofia_roadmap,
        title="Dated",
        start_date=datetime.date(2026, 3, 1),
        deadline=datetime.date(2027, 6, 30),
    )
    return services.action_update(
        action=action, data={"progress": 10}, by=editor, expected_version=action.version
    )


def test_pages_write_dates_as_bulgarian_does(client, editor, meeting, dated_action):
    bg(client).force_login(editor)
    pages = {
        "meeting list": reverse("meetings:list"),
        "meeting": reverse("meetings:meeting", args=[meeting.pk]),
        "action and its history": dated_action.get_absolute_url(),
        "dashboard": reverse("dashboard"),
    }
    shown = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert not US_STYLE.search(html), (name, US_STYLE.search(html))
        shown[name] = html
    assert "06.02.2026 10:00" in shown["meeting list"]
    assert "06.02.2026 10:00 – 12:30" in shown["meeting"]
    page = shown["action and its history"]
    assert "01.03.2026" in page and "30.06.2027" in page
    record = dated_action.history.latest("history_id")
    when = formats.date_format(record.history_date.astimezone(SOFIA), "d.m.Y H:i")
    assert when in page


def test_the_admin_writes_dates_as_bulgarian_does(client, moderator, meeting):
    bg(client).force_login(moderator)
    changelist = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert "06.02.2026 10:00" in changelist
    assert not US_STYLE.search(changelist)
    history = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    html = history.content.decode()
    record = meeting.history.latest("history_id")
    assert formats.date_format(record.history_date.astimezone(SOFIA), "d.m.Y H:i") in html
    assert not US_STYLE.search(html)
    change = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    html = change.content.decode()
    # The admin's split date-time widget, as typed back: the first input format.
    assert 'value="06.02.2026"' in html and 'value="10:00"' in html


def test_minutes_write_dates_as_bulgarian_does(client, editor, meeting):
    bg(client).force_login(editor)
    response = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "06.02.2026 10:00 – 12:30" in text
    assert not US_STYLE.search(text)


# --- Typed dates ----------------------------------------------------------------

TYPED_DATES = ["30.06.2027", "30.6.2027", "2027-06-30", "30.06.27"]
TYPED_DATETIMES = ["30.06.2027 14:30", "30.6.2027 14:30", "2027-06-30 14:30", "30.06.2027 14:30:00"]


def _date_fields(form_class, **kwargs):
    form = form_class(**kwargs)
    return [
        (name, field)
        for name, field in form.fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField)
    ]


def _assert_takes_bulgarian_dates(where, field):
    with translation.override("bg"):
        if isinstance(field, forms.SplitDateTimeField):
            for typed in TYPED_DATES:
                assert field.clean([typed, "14:30"]).date() == datetime.date(2027, 6, 30), where
            assert field.clean(["30.06.2027", "14.30"]).hour == 14, where
        elif isinstance(field, forms.DateTimeField):
            for typed in TYPED_DATETIMES:
                moment = field.clean(typed)
                assert (moment.date(), moment.hour, moment.minute) == (
                    datetime.date(2027, 6, 30),
                    14,
                    30,
                ), (where, typed)
        else:
            for typed in TYPED_DATES:
                assert field.clean(typed) == datetime.date(2027, 6, 30), (where, typed)


def test_every_front_end_date_field_takes_bulgarian_dates(sofia_roadmap):
    fields = [
        *_date_fields(ActionForm, roadmap=sofia_roadmap),
        *_date_fields(IndicatorForm),
        *_date_fields(ProposalRowForm),
    ]
    assert {name for name, _field in fields} >= {"start_date", "deadline"}
    for name, field in fields:
        _assert_takes_bulgarian_dates(name, field)


@pytest.mark.django_db
def test_every_admin_date_field_takes_bulgarian_dates(network_admin):
    """Every date and date-time of every model in the admin, as its ModelAdmin makes
    the form field (the admin's date widget, its split date and time)."""
    request = RequestFactory().get("/admin/")
    request.user = network_admin
    checked = []
    for model, model_admin in admin.site._registry.items():
        for db_field in model._meta.concrete_fields:
            if not db_field.editable:
                continue
            if db_field.get_internal_type() not in ("DateField", "DateTimeField"):
                continue
            field = model_admin.formfield_for_dbfield(db_field, request)
            if field is None:
                continue
            _assert_takes_bulgarian_dates(f"{model.__name__}.{db_field.name}", field)
            checked.append(f"{model.__name__}.{db_field.name}")
    assert {"Action.deadline", "Meeting.start", "NextStep.due_date"} <= set(checked)


def test_the_admin_saves_a_meeting_typed_the_bulgarian_way(client, moderator, sofia_roadmap):
    meeting = factories.meeting(sofia_roadmap, title="Planned", start=START, status="planned")
    bg(client).force_login(moderator)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = factories.meeting_admin_form(meeting, version=meeting.version)
    data.update(
        {"start_0": "30.06.2027", "start_1": "14:30", "end_0": "30.6.2027", "end_1": "16.00"}
    )
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode())
    meeting.refresh_from_db()
    assert meeting.start.astimezone(SOFIA) == datetime.datetime(2027, 6, 30, 14, 30, tzinfo=SOFIA)
    assert meeting.end.astimezone(SOFIA) == datetime.datetime(2027, 6, 30, 16, 0, tzinfo=SOFIA)


def test_the_front_end_saves_a_deadline_typed_the_bulgarian_way(client, editor, dated_action):
    bg(client).force_login(editor)
    data = factories.action_form(dated_action, deadline="31.12.2027", start_date="1.7.2027")
    response = client.post(reverse("actions:action_edit", args=[dated_action.pk]), data)
    assert response.status_code in (200, 302)
    dated_action.refresh_from_db()
    assert dated_action.deadline == datetime.date(2027, 12, 31)
    assert dated_action.start_date == datetime.date(2027, 7, 1)


def test_the_timeline_names_months_in_three_letters_of_the_dates_name(
    client, editor, sofia_roadmap, dated_action
):
    client.force_login(editor)
    html = client.get(reverse("actions:timeline", args=[sofia_roadmap.pk])).content.decode()
    assert ">Jun</text>" in html and ">Mar</text>" in html
    bg(client)
    html = client.get(reverse("actions:timeline", args=[sofia_roadmap.pk])).content.decode()
    with translation.override("bg"):
        june = formats.date_format(datetime.date(2027, 6, 1), "E")[:3]
    assert f">{june}</text>" in html and ">Jun</text>" not in html


def test_the_invitation_writes_the_meetings_time_as_bulgarian_does(moderator, sofia_roadmap):
    start = datetime.datetime(2099, 2, 6, 10, 0, tzinfo=SOFIA)
    meeting = factories.meeting(
        sofia_roadmap, title="Planned", start=start, end=start + datetime.timedelta(hours=2)
    )
    person = factories.person(None, "Willing", consent_to_contact=True)
    Attendance.objects.create(meeting=meeting, person=person, invited=True)
    meeting_invitations_send(meeting=meeting, by=moderator)
    (message,) = mail.outbox
    # Sofia works in Bulgarian: the mail is in Bulgarian, its time d.m.Y H:i.
    assert "06.02.2099 10:00 – 12:00" in message.body
    assert not US_STYLE.search(message.body)
