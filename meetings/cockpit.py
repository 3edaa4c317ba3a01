"""The moderator's cockpit: what the meeting admin adds to plain editing.

Live capture (accepted proposal -> Action Table row), carry-forward, closing a
meeting, invitations, the minutes download and the "minutes late" filter. The
admin classes in ``meetings.admin`` mix these in; every write goes through
``meetings.services``, which checks that the user runs the meeting's city.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from actions.models import Action
from actions.services import ActionConflict
from core import permissions
from stakeholders.models import Organisation

from . import services
from .forms import CarryForwardForm, MeetingCloseForm, ProposalRowForm, carry_forward_field
from .minutes import minutes_data, minutes_document
from .models import Contribution, Meeting

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _error_text(exc: Exception) -> str:
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
                % {"contribution": contribution, "error": _error_text(exc)},
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
            messages.error(request, f"{meeting}: {_error_text(exc)}")
            continue
        messages.success(request, _carried_message(meeting, result))


def _carried_message(meeting: Meeting, result: services.CarryForward) -> str:
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
            messages.error(request, f"{meeting}: {_error_text(exc)}")
            continue
        messages.success(
            request,
            ngettext(
                "%(meeting)s: invitation sent to %(count)s person.",
                "%(meeting)s: invitations sent to %(count)s people.",
                len(result.sent),
            )
            % {"meeting": meeting, "count": len(result.sent)},
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


class CockpitViewsMixin:
    """Helpers for the cockpit's own admin pages."""

    def _managed_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            # Out of scope or not theirs to run: the same answer as the change view.
            raise PermissionDenied
        return obj

    def _render(self, request, template: str, obj, title: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": obj,
                "title": title,
                **context,
            },
        )

    def _change_url(self, obj) -> str:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


class MeetingCockpitMixin(CockpitViewsMixin):
    """Mixed into MeetingAdmin, before the admin base classes."""

    change_form_template = "meetings/admin/meeting_change_form.html"
    cockpit_actions = (accept_meeting_proposals, carry_forward, send_invitations, download_minutes)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in self.cockpit_actions:
            name = action.__name__
            actions.setdefault(name, (action, name, action.short_description))
        return actions

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), LateMinutesFilter)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/close/",
                view(self.close_view),
                name="{}_{}_close".format(*info),
            ),
            path(
                "<path:object_id>/carry-forward/",
                view(self.carry_forward_view),
                name="{}_{}_carry_forward".format(*info),
            ),
            *super().get_urls(),
        ]

    # The add form offers the carry-forward; it runs once the inlines are saved.

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = [*fieldsets, (_("Carry-forward"), {"fields": ["carry_forward"]})]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base,), {"carry_forward": carry_forward_field})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        if not change and form.cleaned_data.get("carry_forward"):
            try:
                result = services.meeting_carry_forward(meeting=meeting, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.info(request, _error_text(exc))
            else:
                messages.success(request, _carried_message(meeting, result))
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        meeting = self.get_object(request, unquote(object_id))
        extra = {}
        if meeting is not None:
            proposals = list(
                meeting.contributions.filter(kind=Contribution.Kind.PROPOSAL).select_related(
                    "action", "produced_action"
                )
            )
            for proposal in proposals:
                proposal.can_accept = _can_accept(proposal)
            extra["proposals"] = proposals
            extra["late_minutes"] = services.unclosed_meetings().filter(pk=meeting.pk).exists()
        return super().change_view(
            request, object_id, form_url, extra_context={**extra, **(extra_context or {})}
        )

    def close_view(self, request, object_id):
        meeting = self._managed_object(request, object_id)
        form = MeetingCloseForm(
            request.POST or None,
            initial={
                "summary": meeting.summary,
                "approve_minutes": meeting.status == Meeting.Status.HELD,
                "version": meeting.version,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                closed = services.meeting_close(
                    meeting=meeting,
                    by=request.user,
                    summary=form.cleaned_data["summary"],
                    approve_minutes=form.cleaned_data["approve_minutes"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("%(meeting)s is now: %(status)s.")
                    % {"meeting": closed, "status": closed.get_status_display()},
                )
                return redirect(self._change_url(closed))
        return self._render(
            request,
            "meetings/admin/meeting_close.html",
            meeting,
            _("Close the meeting"),
            form=form,
        )

    def carry_forward_view(self, request, object_id):
        meeting = self._managed_object(request, object_id)
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
                messages.success(request, _carried_message(meeting, result))
                return redirect(self._change_url(meeting))
        return self._render(
            request,
            "meetings/admin/meeting_carry_forward.html",
            meeting,
            _("Review of previous results"),
            form=form,
            review=services.carry_forward_review(meeting=meeting),
        )


def _is_version(text: str) -> bool:
    # str.isdigit() also says yes to "²" and "١", which int() refuses or misreads.
    return text.isascii() and text.isdigit() and len(text) <= 18


def _can_accept(contribution: Contribution) -> bool:
    """Whether the page offers the "accept" button (the service decides in the end)."""
    return (
        contribution.kind == Contribution.Kind.PROPOSAL
        and not contribution.produced_action_id
        and contribution.outcome in services.ACCEPTABLE_OUTCOMES
    )


class ContributionCockpitMixin(CockpitViewsMixin):
    """Mixed into ContributionAdmin: the "accept into the Action Table" button."""

    change_form_template = "meetings/admin/contribution_change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        contribution = self.get_object(request, unquote(object_id))
        extra = {"can_accept": contribution is not None and _can_accept(contribution)}
        return super().change_view(
            request, object_id, form_url, extra_context={**extra, **(extra_context or {})}
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        name = accept_selected_proposals.__name__
        actions.setdefault(
            name, (accept_selected_proposals, name, accept_selected_proposals.short_description)
        )
        return actions

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/accept/",
                self.admin_site.admin_view(self.accept_view),
                name="{}_{}_accept".format(*info),
            ),
            *super().get_urls(),
        ]

    def accept_view(self, request, object_id):
        contribution = self._managed_object(request, object_id)
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
        related = contribution.action
        form = None
        if related is None:
            form = ProposalRowForm(
                request.POST or None,
                initial=services.proposal_prefill(contribution=contribution),
            )
        if request.method == "POST" and (form is None or form.is_valid()):
            version = request.POST.get("version", "")
            if version and not _is_version(version):
                messages.error(
                    request, _("The form's version of the row is not a number; open it again.")
                )
                return redirect(request.path)
            try:
                row = services.proposal_accept(
                    contribution=contribution,
                    by=request.user,
                    data=form.action_data() if form is not None else None,
                    expected_version=int(version) if _is_version(version) else None,
                )
            except ActionConflict as exc:
                messages.error(request, str(exc))
                return redirect(request.path)
            except ValidationError as exc:
                if form is not None and hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    messages.error(request, _error_text(exc))
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
        return self._render(
            request,
            "meetings/admin/proposal_accept.html",
            contribution,
            _("Accept into the Action Table"),
            form=form,
            related=related,
            changes=_readable_changes(changes) if changes is not None else None,
            meeting_url=meeting_url,
        )


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
