"""The actions app's models: roadmaps and challenges, the Action Table's rows, indicators,
resources (funding lines, pledges, deliveries) and the workbook imports applied."""

from .imports import ImportMapping, WorkbookImport
from .indicators import Indicator
from .resource_totals import (
    ActionResources,
    FundingTotals,
    KindTotals,
    ResourceNeeds,
    RoadmapFunding,
    RoadmapResources,
    annotate_funding,
    funding_per_roadmap,
    funding_totals,
    is_fully_pledged,
    needed_pledged_delivered,
    pledge_totals,
    pledges_with_delivered,
)
from .resources import HOURS_PER_DAY, UNITS_OF_KIND, Delivery, FundingLine, Pledge, units_message
from .roadmaps import Challenge, Roadmap, RoadmapQuerySet
from .rows import DATE_FIELDS, DUE_SOON_DAYS, Action, ActionQuerySet, action_history

__all__ = [
    "DATE_FIELDS",
    "DUE_SOON_DAYS",
    "HOURS_PER_DAY",
    "UNITS_OF_KIND",
    "Action",
    "ActionQuerySet",
    "ActionResources",
    "Challenge",
    "Delivery",
    "FundingLine",
    "FundingTotals",
    "ImportMapping",
    "Indicator",
    "KindTotals",
    "Pledge",
    "ResourceNeeds",
    "Roadmap",
    "RoadmapFunding",
    "RoadmapQuerySet",
    "RoadmapResources",
    "WorkbookImport",
    "action_history",
    "annotate_funding",
    "funding_per_roadmap",
    "funding_totals",
    "is_fully_pledged",
    "needed_pledged_delivered",
    "pledge_totals",
    "pledges_with_delivered",
    "units_message",
]
