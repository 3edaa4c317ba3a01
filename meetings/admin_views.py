"""The meeting admin's own pages, besides Django's: each a function of the ModelAdmin.

``MeetingAdmin.get_urls`` and ``ContributionAdmin.get_urls`` (meetings.admin, meetings.admin_parts)
name them: closing a meeting, the review of previous results (carry-forward),
accepting a proposal into the Action Table; and what the change forms show of
the cockpit. Every write goes through ``meetings.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from actions.models import Action
from actions.services import ActionConflict
from core.forms import place_errors
from core.versions import as_version
from stakeholders.models import Organisation

from . import services
from .admin_actions import carried_message, error_text, invited_message
from .forms import CarryForwardForm, ContributionPledgeForm, MeetingCloseForm, ProposalRowForm
from .models import Contribution, Meeting


def meeting_cockpit_context(meeting: Meeting | None) -> dict:
    """What the meeting's change form shows besides its fields: proposals, late minutes."""
    if meeting is None:
        return {}
    proposals = list(
        meeting.contributions.filter(kind=Contribution.Kind.PROPOSAL).select_related(
            "action", "produced_action"
        )
    )
    for proposal in proposals:
        proposal.can_accept = _can_accept(proposal)
    # What was said in the meeting, each of which may be a pledge: for the
    # organisation it names, its author's, or the one the moderator chooses.
    pledges = list(
        meeting.contributions.select_related(
            "organisation", "author__organisation", "pledge__organisation"
        )
    )
    for contribution in pledges:
        contribution.can_pledge = services.can_record_pledge(contribution)
    return {
        "proposals": proposals,
        "pledge_contributions": pledges,
        "late_minutes": services.unclosed_meetings().filter(pk=meeting.pk).exists(),
    }


def contribution_cockpit_context(contribution: Contribution | None) -> dict:
    """Whether the contribution's change form offers "accept into the Action Table"."""
    return {
        "can_accept": contribution is not None and _can_accept(contribution),
        "can_pledge": contribution is not None and services.can_record_pledge(contribution),
    }


def _managed_object(model_admin, request, object_id):
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        # Unknown, or another city's: the same answer, from the same one query.
        raise Http404
    if not model_admin.has_change_permission(request, obj):
        # Theirs to see, not to run.
        raise PermissionDenied
    return obj


def _render(model_admin, request, template: str, obj, title: str, **context):
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": obj,
            "title": title,
            **context,
        },
    )


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def meeting_close(model_admin, request, object_id):
    """The close page: the summary, then held or minutes approved (``meeting_close``)."""
    meeting = _managed_object(model_admin, request, object_id)
    form = MeetingCloseForm(
        request.POST or None,
        initial={
            "summary": meeting.summary,
            "approve_minutes": meeting.status == Meeting.Status.HELD,
            "version": meeting.version,
        },
    )
    doubts = services.closing_doubts(meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and doubts
        and not form.cleaned_data.get("confirm_as_it_is")
    ):
        form.ask(doubts)
    elif request.method == "POST" and form.is_valid():
        try:
            closed = services.meeting_close(
                meeting=meeting,
                by=request.user,
                summary=form.cleaned_data["summary"],
                approve_minutes=form.cleaned_data["approve_minutes"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            place_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(meeting)s is now: %(status)s.")
                % {"meeting": closed, "status": closed.get_status_display()},
            )
            return redirect(_change_url(closed))
    return _render(
        model_admin,
        request,
        "meetings/admin/meeting_close.html",
        meeting,
        close_wording(meeting),
        form=form,
    )


def close_wording(meeting) -> str:
    """The one name of the next step, for the button, the link and the page title."""
    if meeting.status == meeting.Status.HELD:
        return _("Approve the minutes")
    return _("Close the meeting")


def meeting_carry_forward(model_admin, request, object_id):
    """The review of previous results, added to the agenda (``meeting_carry_forward``)."""
    meeting = _managed_object(model_admin, request, object_id)
    form = CarryForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.meeting_carry_forward(
                meeting=meeting,
                by=request.user,
                carry_next_steps=form.cleaned_data["carry_next_steps"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, carried_message(meeting, result))
            return redirect(_change_url(meeting))
    return _render(
        model_admin,
        request,
        "meetings/admin/meeting_carry_forward.html",
        meeting,
        _("Review of previous results"),
        form=form,
        review=services.carry_forward_review(meeting=meeting),
    )


def meeting_invite(model_admin, request, object_id):
    """The working group on the attendance list, invited (``meeting_invite_working_group``).

    The meeting's button posts ``confirm``; without it (a link, an empty POST)
    this page lists who would be added, with their consent, and asks first."""
    meeting = _managed_object(model_admin, request, object_id)
    error = None
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            result = services.meeting_invite_working_group(meeting=meeting, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, invited_message(meeting, result))
            return redirect(_change_url(meeting))
    listed = set(meeting.attendances.values_list("person_id", flat=True))
    people = [p for p in services.working_group_people(meeting) if p.pk not in listed]
    return _render(
        model_admin,
        request,
        "meetings/admin/meeting_invite.html",
        meeting,
        _("Invite the working group"),
        people=people,
        already=len(listed),
        error=error,
        closed=meeting.status != Meeting.Status.PLANNED,
    )


def proposal_accept(model_admin, request, object_id):
    """Accept a proposal into the Action Table: a new row, or the changes to its row."""
    contribution = _managed_object(model_admin, request, object_id)
    meeting_url = reverse("admin:meetings_meeting_change", args=[contribution.meeting_id])
    if contribution.produced_action_id:
        row = contribution.produced_action
        messages.error(
            request,
            _(
                "This proposal was already accepted: it produced Action Table row %(id)s (“%(title)s”)."
            )
            % {"id": row.pk, "title": row.title},
        )
        return redirect(meeting_url)
    refusal = _accept_refusal(contribution)
    if refusal:
        # Opened by its address: why, before a form filled in vain (the service checks again).
        messages.error(request, refusal)
        return redirect(meeting_url)
    related = contribution.action
    form = None
    if related is None:
        form = ProposalRowForm(
            request.POST or None,
            initial=services.proposal_prefill(contribution=contribution),
            roadmap=contribution.meeting.roadmap,
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        version = request.POST.get("version", "")
        if version and as_version(version) is None:
            messages.error(
                request, _("The form's version of the row is not a number; open it again.")
            )
            return redirect(request.path)
        try:
            row = services.proposal_accept(
                contribution=contribution,
                by=request.user,
                data=form.action_data() if form is not None else None,
                expected_version=as_version(version),
            )
        except ActionConflict as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict"):
                place_errors(form, exc)
            else:
                messages.error(request, error_text(exc))
                return redirect(meeting_url)
        else:
            template = (
                _("Applied to Action Table row %(id)s: %(title)s")
                if related
                else _("Created Action Table row %(id)s: %(title)s")
            )
            messages.success(request, template % {"id": row.pk, "title": row.title})
            return redirect(meeting_url)
    changes = (
        services.proposal_changes(contribution=contribution, action=related)
        if related is not None
        else None
    )
    return _render(
        model_admin,
        request,
        "meetings/admin/proposal_accept.html",
        contribution,
        _("Accept into the Action Table"),
        form=form,
        # As Django's change form has it: the admin's scripts, then the widgets'.
        media=model_admin.media + form.media if form is not None else model_admin.media,
        related=related,
        changes=_readable_changes(changes) if changes is not None else None,
        meeting_url=meeting_url,
    )


def contribution_pledge(model_admin, request, object_id):
    """Record what a contribution pledged as a pledge to an Action Table row, once."""
    contribution = _managed_object(model_admin, request, object_id)
    meeting_url = reverse("admin:meetings_meeting_change", args=[contribution.meeting_id])
    if contribution.pledge_id:
        messages.error(
            request,
            _("This contribution was already recorded as pledge %(id)s.")
            % {"id": contribution.pledge_id},
        )
        return redirect(meeting_url)
    if not services.can_record_pledge(contribution):
        messages.error(
            request,
            _("This contribution was %(outcome)s; only an open or accepted one is a pledge.")
            % {"outcome": contribution.get_outcome_display()},
        )
        return redirect(meeting_url)
    roadmap = contribution.meeting.roadmap
    eligible = roadmap.eligible_partners()
    if not eligible.exists():
        messages.error(
            request,
            _(
                "A pledge is made by an organisation of the roadmap's working group, and it "
                "has none yet: add the organisations first."
            ),
        )
        return redirect(meeting_url)
    form = ContributionPledgeForm(
        request.POST or None,
        initial=services.pledge_prefill(contribution=contribution),
        roadmap=roadmap,
        organisation_note=services.pledge_organisation_note(
            contribution=contribution, eligible=eligible
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.contribution_pledge(
                contribution=contribution, by=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, error_text(exc))
                return redirect(meeting_url)
            place_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded pledge %(id)s: %(pledge)s") % {"id": pledge.pk, "pledge": pledge},
            )
            return redirect(meeting_url)
    return _render(
        model_admin,
        request,
        "meetings/admin/contribution_pledge.html",
        contribution,
        _("Record as a pledge"),
        form=form,
        meeting_url=meeting_url,
    )


def _can_accept(contribution: Contribution) -> bool:
    """Whether the page offers the "accept" button (the service decides in the end)."""
    return (
        contribution.kind == Contribution.Kind.PROPOSAL
        and not contribution.produced_action_id
        and contribution.outcome in services.ACCEPTABLE_OUTCOMES
    )


def _accept_refusal(contribution: Contribution) -> str:
    """Why the contribution cannot become a row (as the service says it), or ""."""
    if contribution.kind != Contribution.Kind.PROPOSAL:
        return _("Only a proposal becomes an Action Table row; this is a %(kind)s.") % {
            "kind": contribution.get_kind_display()
        }
    if contribution.outcome not in services.ACCEPTABLE_OUTCOMES:
        return _("This proposal was %(outcome)s; only an accepted proposal becomes a row.") % {
            "outcome": contribution.get_outcome_display()
        }
    return ""


def _readable_changes(changes: dict) -> list[tuple[str, str]]:
    """The changes a proposal makes to its row, as label and value for the confirmation page."""
    readable = []
    for name, value in changes.items():
        label = str(Action._meta.get_field(name).verbose_name)
        if name == "key_partners":
            value = ", ".join(str(o) for o in Organisation.objects.filter(pk__in=value))
        elif name == "status":
            value = Action.Status(value).label
        readable.append((label, str(value)))
    return readable
