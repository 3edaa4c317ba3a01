"""The daily reminders, queued in the outbox (``send_reminders`` runs them).

Each reminder is keyed by what it is about and the day (or the meeting), so a
second run on the same day queues nothing new: the outbox's sent log refuses a
mail it has already.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from core import permissions
from jobs.services import jobs_prune
from meetings.models import Meeting, NextStep
from outbox.models import Kind
from outbox.services import mail_queue, recipients, site_url
from outbox.tasks import deliver_soon
from stakeholders.models import Person

from .follows import follow_digests_queue

NEXT_STEP_DAYS = 3
# Days after a meeting ended when its moderator is reminded to close it and approve
# the minutes; each reminder goes once, while the meeting is in its window.
MINUTES_REMINDERS = ((3, 7), (7, 14))


@dataclass
class Digest:
    """What one person's digest of the day lists, section by section."""

    person: Person
    sections: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    days: int = 14

    def add(self, section: str, item: dict) -> None:
        if item not in self.sections[section]:
            self.sections[section].append(item)


# Section keys, in the order the digest shows them (templates/email/digest.txt titles them).
SECTIONS = ("actions_overdue", "actions_due", "steps_overdue", "steps_due")


def _people_of(*, organisation_ids=(), person_ids=()) -> dict[int, Person]:
    people = Person.objects.filter(
        Q(organisation_id__in=organisation_ids) | Q(pk__in=person_ids)
    ).select_related("organisation__city", "mail_preference")
    return {person.pk: person for person in recipients(people, Kind.DUE_DIGEST)}


def _staff_of(city_ids) -> dict[int, list[Person]]:
    """The people behind the accounts of each city's editors and moderators."""
    people = (
        Person.objects.filter(permissions.staff_user_filter(city_ids, prefix="user__"))
        .select_related("organisation__city", "mail_preference")
        .prefetch_related("user__city_accesses")
        .distinct()
    )
    by_city: dict[int, list[Person]] = defaultdict(list)
    for person in recipients(people, Kind.DUE_DIGEST):
        for access in person.user.city_accesses.all():
            by_city[access.city_id].append(person)
    return by_city


def due_digests(*, today: datetime.date) -> list[Digest]:
    """Each person's digest of the day: overdue and soon-due actions (to the city's
    staff and the lead partner's contacts) and next steps (to whoever answers for them)."""
    digests: dict[int, Digest] = {}

    def digest_of(person: Person) -> Digest:
        return digests.setdefault(person.pk, Digest(person))

    longest = max(
        Action.objects.open().values_list("roadmap__city__reminder_days", flat=True).distinct(),
        default=0,
    )
    actions = [
        action
        for action in Action.objects.open()
        .filter(deadline__lte=today + datetime.timedelta(days=longest))
        .select_related("roadmap__city")
        .order_by("deadline", "pk")
        if action.deadline < today
        or action.deadline <= today + datetime.timedelta(days=action.roadmap.city.reminder_days)
    ]
    staff = _staff_of({action.roadmap.city_id for action in actions})
    leads = _people_of(organisation_ids={a.lead_partner_id for a in actions if a.lead_partner_id})
    for action in actions:
        section = "actions_overdue" if action.is_overdue(today) else "actions_due"
        item = {
            "text": f"{action.title} ({action.roadmap.title})",
            "date": action.deadline,
            "url": site_url(action.get_absolute_url()),
        }
        contacts = [p for p in leads.values() if p.organisation_id == action.lead_partner_id]
        for person in [*staff.get(action.roadmap.city_id, []), *contacts]:
            digest = digest_of(person)
            digest.days = action.roadmap.city.reminder_days
            digest.add(section, item)

    steps = list(
        NextStep.objects.filter(
            done=False, due_date__lte=today + datetime.timedelta(days=NEXT_STEP_DAYS)
        )
        .select_related("meeting__roadmap")
        .order_by("due_date", "pk")
    )
    answering = _people_of(
        organisation_ids={s.responsible_organisation_id for s in steps},
        person_ids={s.responsible_person_id for s in steps},
    )
    for step in steps:
        section = "steps_overdue" if step.due_date < today else "steps_due"
        item = {
            "text": f"{step.description} ({step.meeting})",
            "date": step.due_date,
            "url": site_url(step.meeting.get_absolute_url()),
        }
        for person in answering.values():
            if person.pk == step.responsible_person_id or (
                step.responsible_organisation_id
                and person.organisation_id == step.responsible_organisation_id
            ):
                digest_of(person).add(section, item)
    return sorted(digests.values(), key=lambda digest: digest.person.pk)


def due_digests_queue(*, today: datetime.date) -> int:
    """Queue the day's digests; returns how many are new (0 on a second run that day)."""
    queued = 0
    for digest in due_digests(today=today):
        sections = [
            {"key": key, "items": digest.sections[key], "days": digest.days}
            for key in SECTIONS
            if digest.sections.get(key)
        ]
        queued += bool(
            mail_queue(
                kind=Kind.DUE_DIGEST,
                event=f"due-{today.isoformat()}",
                person=digest.person,
                template="email/digest",
                context={
                    "date": today,
                    "sections": sections,
                    "intro": _("What is due in the working group:"),
                },
            )
        )
    return queued


def meeting_reminders_queue(*, now: datetime.datetime) -> int:
    """Remind each invitee of a planned meeting that starts within its reminder hours."""
    queued = 0
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            reminder_on=True,
            start__gt=now,
            start__lte=now + datetime.timedelta(hours=max_reminder_hours()),
        )
        .select_related("roadmap__city")
        .prefetch_related("agenda_items")
    )
    for meeting in meetings:
        if meeting.start > now + datetime.timedelta(hours=meeting.reminder_hours):
            continue
        people = Person.objects.filter(
            attendances__meeting=meeting, attendances__invited=True
        ).select_related("organisation__city", "mail_preference")
        for person in recipients(people, Kind.MEETING_REMINDER):
            queued += bool(
                mail_queue(
                    kind=Kind.MEETING_REMINDER,
                    event=f"meeting-{meeting.pk}-{meeting.start.isoformat()}-reminder",
                    person=person,
                    template="email/meeting_reminder",
                    context={"meeting": meeting, "url": site_url(meeting.get_absolute_url())},
                )
            )
    return queued


def max_reminder_hours() -> int:
    return max(
        Meeting.objects.filter(reminder_on=True).values_list("reminder_hours", flat=True),
        default=0,
    )


def minutes_reminders_queue(*, now: datetime.datetime) -> int:
    """Remind the moderator to close a meeting and approve its minutes, 3 and 7 days
    after it ended (each once, while the meeting is in that reminder's window)."""
    queued = 0
    earliest = now - datetime.timedelta(days=MINUTES_REMINDERS[-1][1])
    meetings = (
        Meeting.objects.exclude(status=Meeting.Status.MINUTES_APPROVED)
        .filter(moderator__isnull=False, start__gte=earliest - datetime.timedelta(days=1))
        .select_related("roadmap__city", "moderator__organisation__city")
    )
    for meeting in meetings:
        ended = meeting.end or meeting.start
        for after, before in MINUTES_REMINDERS:
            if not (
                ended + datetime.timedelta(days=after)
                <= now
                < ended + datetime.timedelta(days=before)
            ):
                continue
            queued += bool(
                mail_queue(
                    kind=Kind.MINUTES_REMINDER,
                    event=f"meeting-{meeting.pk}-minutes-{after}",
                    person=meeting.moderator,
                    template="email/minutes_reminder",
                    context={
                        "meeting": meeting,
                        "days": after,
                        "url": site_url(
                            reverse("admin:meetings_meeting_change", args=[meeting.pk])
                        ),
                    },
                )
            )
    return queued


@dataclass
class Reminders:
    digests: int
    meeting_reminders: int
    minutes_reminders: int
    follow_digests: int = 0
    jobs_removed: int = 0


def reminders_send(*, now: datetime.datetime | None = None) -> Reminders:
    """Queue every reminder due at ``now``; the outbox's task sends them. The same
    hourly run removes finished background jobs past their keeping time (and their files)."""
    now = now or timezone.now()
    result = Reminders(
        digests=due_digests_queue(today=timezone.localdate(now)),
        meeting_reminders=meeting_reminders_queue(now=now),
        minutes_reminders=minutes_reminders_queue(now=now),
        follow_digests=follow_digests_queue(today=timezone.localdate(now)),
        jobs_removed=jobs_prune(now=now),
    )
    deliver_soon()
    return result
