"""Meetings as iCalendar (RFC 5545), for calendar apps and invitation emails.

Every text goes in through ``core.text`` (no control characters) and as a TEXT
value (``vText``), which escapes line breaks, commas and semicolons: a title a
user typed cannot end a property or start another one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import file_text, one_line

from .models import Meeting

PRODID = "-//CITIES4CSR//CSR Action Table//EN"
# A meeting without an end still needs one in a calendar.
DEFAULT_DURATION = datetime.timedelta(hours=2)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_uid(meeting: Meeting) -> str:
    """Stable across downloads, so a calendar updates the event instead of adding it again."""
    return f"meeting-{meeting.pk}@cities4csr"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    # UTC needs no VTIMEZONE block, which every calendar reads the same way.
    return moment.astimezone(datetime.timezone.utc)


def meeting_event(meeting: Meeting, *, url: str | None = None) -> icalendar.Event:
    """One VEVENT; ``url`` is the meeting's page in the app, when known.

    Uses the prefetched agenda (``meeting.agenda_items.all()``).
    """
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(meeting.start))
    event.add("dtend", _utc(meeting.end or meeting.start + DEFAULT_DURATION))
    event.add("summary", one_line(f"{meeting.number}. {meeting.title}"))
    location = meeting.place
    if meeting.link:
        # Calendar apps show LOCATION as the place to go, so an online link goes there too.
        location = f"{meeting.place} — {meeting.link}" if meeting.place else meeting.link
    if location:
        event.add("location", one_line(location))
    lines = [
        f"{_('Roadmap')}: {meeting.roadmap.title}",
        f"{_('Format')}: {meeting.get_format_display()}",
    ]
    if meeting.link:
        lines.append(f"{_('Online link')}: {meeting.link}")
    agenda = list(meeting.agenda_items.all())
    if agenda:
        lines.append("")
        lines.append(_("Agenda") + ":")
        lines.extend(f"{index}. {item.title}" for index, item in enumerate(agenda, start=1))
    if url:
        lines.extend(["", url])
        event.add("url", one_line(url))
    event.add("description", file_text("\n".join(lines)))
    event.add(
        "status",
        "TENTATIVE" if meeting.status == Meeting.Status.PLANNED else "CONFIRMED",
    )
    return event


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    url_for: Callable[[Meeting], str] | None = None,
) -> bytes:
    """A VCALENDAR with one event per meeting, as bytes."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is no TEXT to icalendar unless told (it would write a CR as it is).
    calendar.add("x-wr-calname", icalendar.vText(one_line(name)))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url=url_for(meeting) if url_for else None))
    return calendar.to_ical()
