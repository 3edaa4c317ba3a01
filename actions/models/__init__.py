"""The actions app's models: roadmaps and challenges, the Action Table's rows, indicators,
and the workbook imports applied."""

from .imports import WorkbookImport
from .indicators import Indicator, format_number
from .roadmaps import Challenge, Roadmap, RoadmapQuerySet
from .rows import DATE_FIELDS, DUE_SOON_DAYS, Action, ActionQuerySet, action_history

__all__ = [
    "DATE_FIELDS",
    "DUE_SOON_DAYS",
    "Action",
    "ActionQuerySet",
    "Challenge",
    "Indicator",
    "Roadmap",
    "RoadmapQuerySet",
    "WorkbookImport",
    "action_history",
    "format_number",
]
