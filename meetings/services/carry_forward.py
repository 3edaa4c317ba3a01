"""Carry-forward: the next meeting starts from the open work of the last one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, translation
from django.utils.translation import gettext as _

from actions.models import Action
from core.versions import version_bump

from ..models import AgendaItem, Meeting, NextStep
from .common import (
    check_can_manage,
    city_language,
)


@dataclass
class Review:
    """What the next meeting reviews first: the last meeting's open work."""

    previous: Meeting | None
    open_next_steps: list[NextStep] = field(default_factory=list)
    overdue_actions: list[Action] = field(default_factory=list)
    changed_actions: list[Action] = field(default_factory=list)


def previous_meeting(*, meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(roadmap_id=meeting.roadmap_id, start__lt=meeting.start)
        .exclude(pk=meeting.pk)
        .order_by("-start")
        .first()
    )


def carry_forward_review(*, meeting: Meeting, today: datetime.date | None = None) -> Review:
    """The open next steps of the last meeting and the actions overdue or changed since."""
    previous = previous_meeting(meeting=meeting)
    if previous is None:
        return Review(previous=None)
    since = previous.end or previous.start
    actions = Action.objects.filter(roadmap_id=meeting.roadmap_id).select_related("lead_partner")
    overdue = list(actions.overdue(today).order_by("deadline", "pk"))
    overdue_ids = {row.pk for row in overdue}
    changed = [
        row
        for row in actions.filter(changed_at__gt=since).order_by("-changed_at", "pk")
        if row.pk not in overdue_ids
    ]
    steps = list(
        previous.next_steps.filter(done=False).select_related(
            "responsible_organisation", "responsible_person"
        )
    )
    return Review(
        previous=previous, open_next_steps=steps, overdue_actions=overdue, changed_actions=changed
    )


def _review_notes(review: Review) -> str:
    lines: list[str] = []
    if review.open_next_steps:
        lines.append(
            _("Open next steps of meeting %(number)s:") % {"number": review.previous.number}
        )
        for step in review.open_next_steps:
            who = step.responsible_organisation or ""
            due = formats.date_format(step.due_date, "SHORT_DATE_FORMAT") if step.due_date else ""
            details = ", ".join(str(part) for part in (who, due) if part)
            lines.append(f"- {step.description}" + (f" ({details})" if details else ""))
    if review.overdue_actions:
        lines.append(_("Overdue actions:"))
        for row in review.overdue_actions:
            due = formats.date_format(row.deadline, "SHORT_DATE_FORMAT")
            lines.append(f"- #{row.pk} {row.title} ({_('deadline')} {due})")
    if review.changed_actions:
        lines.append(
            _("Actions changed since meeting %(number)s:") % {"number": review.previous.number}
        )
        for row in review.changed_actions:
            lines.append(f"- #{row.pk} {row.title} ({row.get_status_display()})")
    if not lines:
        lines.append(_("Nothing open from the previous meeting."))
    return "\n".join(lines)


@dataclass
class CarryForward:
    agenda_item: AgendaItem
    carried_steps: list[NextStep]
    review: Review


def meeting_carry_forward(
    *, meeting: Meeting, by, carry_next_steps: bool = True, today: datetime.date | None = None
) -> CarryForward:
    """Open a planned meeting with "Review of previous results" and carry open steps over.

    Running it again refreshes the review item and carries only steps not yet
    carried, so a moderator may run it as often as the table changes.
    """
    meeting = Meeting.objects.select_related("roadmap__city").get(pk=meeting.pk)
    check_can_manage(by, meeting)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(
            _("Only a planned meeting takes over the results of the previous one."),
            code="not_planned",
        )
    review = carry_forward_review(meeting=meeting, today=today)
    if review.previous is None:
        raise ValidationError(
            _("This is the first meeting of the roadmap: there is nothing to carry forward."),
            code="no_previous",
        )
    # The agenda is the city's record, kept in its working language; the
    # messages above are for the moderator, in theirs.
    with translation.override(city_language(meeting)):
        title = _("Review of previous results")
        notes = _review_notes(review)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        items = list(meeting.agenda_items.order_by("position", "pk"))
        item = items[0] if items and items[0].title == title else None
        if item is None:
            # Make room at the top; one row at a time, highest first, keeps every
            # intermediate state inside the unique (meeting, position) constraint.
            for other in reversed(items):
                other.position += 1
                other.version += 1  # its own page, opened before, is stale now
                other.save(update_fields=["position", "version"])
            first = items[0].position - 1 if items else 0
            item = AgendaItem(meeting=meeting, position=max(first, 0), title=title)
        item.notes = notes
        if item.pk is not None:
            item.version += 1
        item.save()
        carried: list[NextStep] = []
        if carry_next_steps:
            already = set(
                meeting.next_steps.filter(carried_from__isnull=False).values_list(
                    "carried_from_id", flat=True
                )
            )
            last = meeting.next_steps.aggregate(last=Max("position"))["last"]
            position = 0 if last is None else last + 1
            for step in review.open_next_steps:
                if step.pk in already:
                    continue
                carried.append(
                    NextStep.objects.create(
                        meeting=meeting,
                        position=position,
                        description=step.description,
                        responsible_organisation=step.responsible_organisation,
                        responsible_person=step.responsible_person,
                        due_date=step.due_date,
                        carried_from=step,
                    )
                )
                position += 1
        # The meeting's page, opened before, would post its agenda back as it was.
        version_bump(Meeting, [meeting.pk])
    return CarryForward(agenda_item=item, carried_steps=carried, review=review)
