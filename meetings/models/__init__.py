"""The meetings app's models, one module per part of a meeting's record."""

from .contributions import Contribution, unlink_contributions
from .meeting import Meeting, MeetingPart, MeetingPartQuerySet, MeetingQuerySet
from .parts import AgendaItem, Attendance, NextStep

__all__ = [
    "AgendaItem",
    "Attendance",
    "Contribution",
    "Meeting",
    "MeetingPart",
    "MeetingPartQuerySet",
    "MeetingQuerySet",
    "NextStep",
    "unlink_contributions",
]
