"""Meetings as iCalendar, parsed back with the icalendar package."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from actions.models import Roadmap
from tests import factories


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_meeting_ics_is_one_valid_event(client, editor, held_meeting):
    meeting = held_meeting["meeting"]
    client.force_login(editor)
    calendar = _calendar(client.get(reverse("meetings:ics", args=[meeting.pk])))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@cities4csr"
    assert event.decoded("DTSTART") == meeting.start.replace(microsecond=0)
    assert event.decoded("DTEND") == meeting.end.replace(microsecond=0)
    assert str(event["SUMMARY"]) == f"{meeting.number}. {meeting.title}"
    assert "https://meet.example.org/sofia-csr" in str(event["LOCATION"])
    assert str(event["URL"]) == f"http://testserver{meeting.get_absolute_url()}"
    description = str(event["DESCRIPTION"])
    assert "1. Review" in description
    assert "2. Action Table" in description


def test_meeting_in_person_has_its_place_and_a_default_end(client, editor, sofia_roadmap):
    meeting = factories.meeting(
        sofia_roadmap, format="in_person", place="Sofia City Hall, Moskovska 33"
    )
    client.force_login(editor)
    (event,) = _calendar(client.get(reverse("meetings:ics", args=[meeting.pk]))).walk("VEVENT")
    assert str(event["LOCATION"]) == "Sofia City Hall, Moskovska 33"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=2)
    assert str(event["STATUS"]) == "TENTATIVE"


def test_roadmap_feed_has_every_meeting_of_the_roadmap_only(
    client, editor, held_meeting, sofia_roadmap, vratsa_roadmap
):
    later = factories.meeting(sofia_roadmap, title="Next one")
    factories.meeting(vratsa_roadmap, title="Vratsa kick-off")
    client.force_login(editor)
    calendar = _calendar(client.get(reverse("meetings:roadmap_ics", args=[sofia_roadmap.pk])))
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert uids == [
        f"meeting-{held_meeting['meeting'].pk}@cities4csr",
        f"meeting-{later.pk}@cities4csr",
    ]
    assert str(calendar["X-WR-CALNAME"]) == sofia_roadmap.title


def test_roadmap_feed_url(sofia_roadmap):
    assert reverse("meetings:roadmap_ics", args=[sofia_roadmap.pk]) == (
        f"/roadmaps/{sofia_roadmap.pk}/meetings.ics"
    )


@pytest.mark.parametrize(
    ("who", "visibility", "status"),
    [
        ("editor", Roadmap.Visibility.PRIVATE, 200),
        ("moderator", Roadmap.Visibility.PRIVATE, 200),
        ("network_admin", Roadmap.Visibility.PRIVATE, 200),
        ("other_editor", Roadmap.Visibility.PRIVATE, 404),
        ("partner", Roadmap.Visibility.PRIVATE, 404),
        ("partner", Roadmap.Visibility.PARTNERS, 200),
        ("other_editor", Roadmap.Visibility.PUBLIC, 200),
    ],
)
def test_roadmap_feed_for_every_role(
    request, client, held_meeting, sofia_roadmap, who, visibility, status
):
    sofia_roadmap.visibility = visibility
    sofia_roadmap.save()
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("meetings:roadmap_ics", args=[sofia_roadmap.pk]))
    assert response.status_code == status


def test_anonymous_roadmap_feed(client, held_meeting, sofia_roadmap):
    url = reverse("meetings:roadmap_ics", args=[sofia_roadmap.pk])
    assert client.get(url).status_code == 302
    sofia_roadmap.visibility = Roadmap.Visibility.PUBLIC
    sofia_roadmap.save()
    assert len(_calendar(client.get(url)).walk("VEVENT")) == 1
