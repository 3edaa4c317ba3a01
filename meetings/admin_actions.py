"""The meeting admin's actions (the "Action" menu of the changelists) and its filter.

Live capture (accepted proposals -> Action Table rows), carry-forward,
invitations, the minutes download, deletions that keep held meetings, and the
"minutes late" filter. Every write goes through ``meetings.services``, which
checks that the user runs the meeting's city. The admin classes in
``meetings.admin`` and ``meetings.admin_parts`` list them in their ``actions`` and ``list_filter``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from actions.services import ActionConflict
from core import permissions

from . import services
from .minutes import minutes_data, minutes_document
from .models import Contribution, Meeting

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


class LateMinutesFilter(admin.SimpleListFilter):
    """Meetings still "planned" a week after they ended: the minutes are late."""

    title = gettext_lazy("closing")
    parameter_name = "closing"

    def lookups(self, request, model_admin):
        return [("late", gettext_lazy("not closed a week after"))]

    def queryset(self, request, queryset):
        if self.value() == "late":
            return queryset.filter(pk__in=services.unclosed_meetings().values("pk"))
        return queryset


def accept_contributions(request, contributions) -> None:
    """Run ``proposal_accept`` for each contribution, each on its own, and say what happened."""
    for contribution in contributions:
        related = contribution.action_id
        try:
            row = services.proposal_accept(contribution=contribution, by=request.user)
        except (ValidationError, PermissionDenied, ActionConflict) as exc:
            messages.error(
                request,
                _("%(contribution)s: %(error)s")
                % {"contribution": contribution, "error": error_text(exc)},
            )
            continue
        template = (
            _("Applied to Action Table row %(id)s: %(title)s")
            if related
            else _("Created Action Table row %(id)s: %(title)s")
        )
        messages.success(request, template % {"id": row.pk, "title": row.title})


@admin.action(description=gettext_lazy("Turn accepted proposals into Action Table rows"))
def accept_meeting_proposals(modeladmin, request, queryset):
    contributions = Contribution.objects.filter(
        meeting__in=queryset,
        kind=Contribution.Kind.PROPOSAL,
        outcome__in=(Contribution.Outcome.ACCEPTED, Contribution.Outcome.MERGED),
        produced_action__isnull=True,
    ).order_by("meeting__start", "position", "pk")
    if not contributions.exists():
        messages.info(request, _("No accepted proposal is waiting to become a row."))
        return
    accept_contributions(request, contributions)


@admin.action(description=gettext_lazy("Turn the selected proposals into Action Table rows"))
def accept_selected_proposals(modeladmin, request, queryset):
    accept_contributions(request, queryset.order_by("meeting__start", "position", "pk"))


@admin.action(description=gettext_lazy("Start with a review of the previous meeting"))
def carry_forward(modeladmin, request, queryset):
    for meeting in queryset:
        try:
            result = services.meeting_carry_forward(meeting=meeting, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{meeting}: {error_text(exc)}")
            continue
        messages.success(request, carried_message(meeting, result))


def carried_message(meeting: Meeting, result: services.CarryForward) -> str:
    return ngettext(
        "%(meeting)s: review of meeting %(previous)s added; %(count)s open next step carried.",
        "%(meeting)s: review of meeting %(previous)s added; %(count)s open next steps carried.",
        len(result.carried_steps),
    ) % {
        "meeting": meeting,
        "previous": result.review.previous.number,
        "count": len(result.carried_steps),
    }


@admin.action(description=gettext_lazy("Email the invitations (with the .ics)"))
def send_invitations(modeladmin, request, queryset):
    base_url = request.build_absolute_uri("/")
    for meeting in queryset:
        try:
            result = services.meeting_invitations_send(
                meeting=meeting, by=request.user, base_url=base_url
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{meeting}: {error_text(exc)}")
            continue
        messages.success(
            request,
            ngettext(
                "%(meeting)s: invitation to %(count)s person is being sent.",
                "%(meeting)s: invitations to %(count)s people are being sent.",
                len(result.queued),
            )
            % {"meeting": meeting, "count": len(result.queued)},
        )
        if result.already:
            messages.info(
                request,
                _("%(meeting)s: already invited, not sent again: %(people)s.")
                % {"meeting": meeting, "people": "; ".join(map(str, result.already))},
            )
        if result.skipped:
            messages.warning(
                request,
                _("%(meeting)s: not sent to %(people)s.")
                % {
                    "meeting": meeting,
                    "people": "; ".join(
                        f"{person} ({reason})" for person, reason in result.skipped
                    ),
                },
            )


@admin.action(description=gettext_lazy("Invite the working group"))
def invite_working_group(modeladmin, request, queryset):
    """Every person of the roadmap's working group on the attendance list, invited."""
    for meeting in queryset:
        try:
            result = services.meeting_invite_working_group(meeting=meeting, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{meeting}: {error_text(exc)}")
            continue
        messages.success(request, invited_message(meeting, result))


def invited_message(meeting, result: services.GroupInvited) -> str:
    """What inviting the working group did, for the action and the meeting's button."""
    return ngettext(
        "%(meeting)s: %(count)s person of the working group added to the attendance"
        " list as invited (%(consented)s of them consent to be contacted; %(already)s"
        " were on it already).",
        "%(meeting)s: %(count)s people of the working group added to the attendance"
        " list as invited (%(consented)s of them consent to be contacted; %(already)s"
        " were on it already).",
        len(result.added),
    ) % {
        "meeting": meeting,
        "count": len(result.added),
        "consented": result.consented,
        "already": result.already,
    }


@admin.action(description=gettext_lazy("Download the minutes (.docx)"))
def download_minutes(modeladmin, request, queryset):
    meetings = list(queryset.select_related("roadmap__city", "moderator__organisation")[:2])
    if len(meetings) != 1:
        messages.warning(request, _("Choose one meeting to download its minutes."))
        return None
    meeting = meetings[0]
    data = minutes_data(
        meeting, can_see_people=permissions.can_see_people(request.user, meeting.roadmap.city_id)
    )
    response = HttpResponse(minutes_document(data), content_type=DOCX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="meeting-{meeting.number}-{meeting.day.isoformat()}-minutes.docx"'
    )
    return response


def _refuse_kept(modeladmin, request, kept: list) -> None:
    modeladmin.message_user(
        request,
        _(
            "Nothing was deleted: held meetings are kept as the record of what the "
            "working group decided (%(meetings)s)."
        )
        % {"meetings": ", ".join(str(meeting) for meeting in kept)},
        messages.ERROR,
    )


def delete_planned_meetings(modeladmin, request, queryset):
    """Django's "delete selected", refused before it asks when a held meeting is among them."""
    kept = [meeting for meeting in queryset if not meeting.is_deletable]
    if kept:
        _refuse_kept(modeladmin, request, kept)
        return None
    try:
        return delete_selected(modeladmin, request, queryset)
    except ValidationError as error:
        # Held by somebody else between the check and the deletion.
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None


def delete_parts_of_planned_meetings(modeladmin, request, queryset):
    """Django's "delete selected" for the parts of meetings, none of a held meeting."""
    kept = {part.meeting for part in queryset.kept().select_related("meeting")}
    if kept:
        _refuse_kept(modeladmin, request, sorted(kept, key=str))
        return None
    return delete_selected(modeladmin, request, queryset)


# What the meeting's add and change forms do after saving (MeetingAdmin.save_related).


def carry_forward_after_add(request, meeting: Meeting) -> None:
    """The add form's "start with a review of the previous meeting", once the inlines are saved."""
    try:
        result = services.meeting_carry_forward(meeting=meeting, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.info(request, error_text(exc))
    else:
        messages.success(request, carried_message(meeting, result))


def warn_attendance_outside_working_group(request, meeting: Meeting) -> None:
    outside = services.attendance_outside_working_group(meeting=meeting)
    if outside:
        messages.warning(
            request,
            _(
                "Not in the working group of %(city)s: %(people)s. Saved all the same; "
                "check that they are the right people."
            )
            % {
                "city": meeting.roadmap.city,
                "people": ", ".join(str(person) for person in outside),
            },
        )
