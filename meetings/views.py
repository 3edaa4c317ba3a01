"""Meetings in the app: the list, a meeting's page, its minutes and calendars.

Members follow meetings here; the moderator runs them from the admin. Who may
see a meeting is who may see its roadmap; people's names are for the city's
staff only (``permissions.can_see_people``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from actions.views.common import get_roadmap_for_user, get_visible
from core import permissions

from . import calendar
from .minutes import MinutesData, minutes_data, minutes_document
from .models import AgendaItem, Attendance, Meeting

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_meeting_for_user(request, pk: int) -> Meeting:
    """The meeting if the user may see its roadmap; else 404 (or the login page)."""
    # One scoped query: another city's meeting and an unknown id look alike.
    return get_visible(
        request,
        Meeting.objects.select_related("roadmap__city", "moderator__organisation"),
        pk,
        roadmap="roadmap__",
    )


@require_safe
def meeting_list(request):
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("roadmap__city")
        .annotate(
            organisation_count=Count(
                "attendances__person__organisation",
                filter=Q(attendances__attended=True),
                distinct=True,
            ),
            contribution_count=Count("contributions", distinct=True),
        )
        .order_by("-start", "pk")
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {"meetings": meetings, "now": timezone.now()},
    )


@dataclass
class OrganisationAttendance:
    """The attendance of one organisation: who came is only listed for staff."""

    organisation: object
    attendances: list[Attendance]

    @property
    def attended(self) -> bool:
        return any(a.attended for a in self.attendances)


def _by_organisation(attendances: list[Attendance]) -> list[OrganisationAttendance]:
    groups: dict[int | None, OrganisationAttendance] = {}
    for attendance in attendances:
        organisation = attendance.person.organisation
        key = organisation.pk if organisation else None
        groups.setdefault(key, OrganisationAttendance(organisation, [])).attendances.append(
            attendance
        )
    return sorted(groups.values(), key=lambda g: (g.organisation is None, str(g.organisation)))


def meeting_data(request, meeting: Meeting) -> MinutesData:
    can_see_people = permissions.can_see_people(request.user, meeting.roadmap.city_id)
    return minutes_data(meeting, can_see_people=can_see_people)


@require_safe
def meeting_detail(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    data = meeting_data(request, meeting)
    total_minutes = sum(item.duration_minutes or 0 for item in data.agenda)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "roadmap": meeting.roadmap,
            "data": data,
            "organisations": _by_organisation(data.attendances),
            "total_minutes": total_minutes,
            "can_see_people": data.can_see_people,
            "can_manage": permissions.can_manage_meetings(request.user, meeting.roadmap.city_id),
            "today": timezone.localdate(),
        },
    )


def _filename(meeting: Meeting, suffix: str) -> str:
    # ASCII only: a Cyrillic title in Content-Disposition needs RFC 5987, and the
    # number and date are what tell two files apart anyway.
    return f"meeting-{meeting.number}-{meeting.day.isoformat()}{suffix}"


@require_safe
def meeting_minutes(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    content = minutes_document(meeting_data(request, meeting))
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(meeting, "-minutes.docx")}"'
    )
    return response


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def meeting_ics(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    meetings = Meeting.objects.filter(pk=meeting.pk).select_related("roadmap")
    content = calendar.meetings_calendar(
        meetings.prefetch_related("agenda_items"),
        name=str(meeting),
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
    )
    return _calendar_response(content, _filename(meeting, ".ics"))


@require_safe
def roadmap_meetings_ics(request, pk: int):
    """A roadmap's calendar feed: every meeting, past and planned."""
    roadmap = get_roadmap_for_user(request, pk)
    meetings = (
        Meeting.objects.filter(roadmap=roadmap)
        .select_related("roadmap")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position"))
        )
        .order_by("start")
    )
    content = calendar.meetings_calendar(
        meetings,
        name=roadmap.title,
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
    )
    slug = slugify(roadmap.city.name) or "roadmap"
    return _calendar_response(content, f"{slug}-{roadmap.pk}-meetings.ics")
