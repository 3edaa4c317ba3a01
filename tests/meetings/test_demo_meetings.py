"""Sofia's demo meetings of 2021 through the meeting pages, as the demo users see them."""

import io

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from meetings.models import Meeting


@pytest.fixture
def third_meeting(db, settings):
    settings.DEBUG = True  # the demo users exist only with DEBUG on
    call_command("load_demo", stdout=io.StringIO())
    return Meeting.objects.get(roadmap__city__name="Sofia", number=3)


@pytest.mark.parametrize("username", ["moderator", "editor", "partner", "admin"])
def test_demo_users_follow_the_meeting_of_16_september_2021(client, third_meeting, username):
    client.force_login(User.objects.get(username=username))
    assert third_meeting in client.get(reverse("meetings:list")).context["meetings"]
    page = client.get(third_meeting.get_absolute_url()).content.decode()
    assert "Българска търговско-промишлена палата" in page
    minutes = client.get(reverse("meetings:minutes", args=[third_meeting.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(minutes.content)).paragraphs)
    assert "Таблицата за действия" in text
    feed = client.get(reverse("meetings:roadmap_ics", args=[third_meeting.roadmap_id]))
    assert len(icalendar.Calendar.from_ical(feed.content).walk("VEVENT")) == 3


def test_vratsa_editor_does_not_see_sofias_meetings_shared_with_partners(client, third_meeting):
    client.force_login(User.objects.get(username="editor-vratsa"))
    assert client.get(third_meeting.get_absolute_url()).status_code == 404
