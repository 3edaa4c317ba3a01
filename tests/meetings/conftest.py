"""Fixtures of the meeting tests: Vratsa's moderator, and a Sofia meeting with every part."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Attendance, Contribution, NextStep
from tests import factories


@pytest.fixture
def vratsa_moderator(vratsa):
    return factories.user("moderator-vratsa", role="moderator", cities=[vratsa])


@pytest.fixture
def held_meeting(sofia, sofia_roadmap, sofia_company):
    """Sofia's held meeting: agenda, attendance, a proposal, a comment and a next step."""
    chamber = factories.organisation(sofia, "Chamber of Commerce", kind="chamber")
    stefan = factories.person(chamber, "Stefan Demov", consent_to_contact=True)
    viktor = factories.person(sofia_company, "Viktor Demov", consent_to_contact=True)
    start = timezone.now() - datetime.timedelta(days=3)
    meeting = factories.meeting(
        sofia_roadmap,
        title="Preparing the Action Table",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="online",
        link="https://meet.example.org/sofia-csr",
        moderator=stefan,
        status="held",
        summary="The working group began the Action Table.",
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Review", duration_minutes=30)
    AgendaItem.objects.create(
        meeting=meeting, position=2, title="Action Table", duration_minutes=40, presenter=stefan
    )
    Attendance.objects.create(meeting=meeting, person=stefan, attended=True)
    Attendance.objects.create(meeting=meeting, person=viktor, attended=True)
    proposal = Contribution.objects.create(
        meeting=meeting,
        position=1,
        kind="proposal",
        author=stefan,
        organisation=chamber,
        text="Annual CSR awards in three categories\nby size of company.",
        outcome="accepted",
        discussion_summary="Supported by everybody; the chamber helps with the jury.",
    )
    comment = Contribution.objects.create(
        meeting=meeting,
        position=2,
        kind="comment",
        author=viktor,
        organisation=sofia_company,
        text="Measure the results every year.",
        outcome="noted",
    )
    step = NextStep.objects.create(
        meeting=meeting,
        position=1,
        description="Draft the awards' rules.",
        responsible_organisation=chamber,
        responsible_person=stefan,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    return {
        "meeting": meeting,
        "chamber": chamber,
        "stefan": stefan,
        "viktor": viktor,
        "proposal": proposal,
        "comment": comment,
        "step": step,
    }
