"""The Action Table's rows as the page shows them: the presenter that turns the
page's actions into plain rows (cells, badges, the URLs of each row's buttons)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from core.numbers import format_number, number_separators

from ..models import Action


class _TemplateFields:
    """Answers ``row["title"]`` as ``row.title``. Django's template engine tries an
    item lookup before the attribute; without this every cell of every row first
    raises and catches a TypeError (a tenth of the rows' rendering)."""

    def __getitem__(self, name: str):
        return getattr(self, name)


@dataclass
class IndicatorLine(_TemplateFields):
    """An indicator as the row lists it: "name: baseline → target unit", and its
    current value apart ("" when unknown; the partial puts it in a span)."""

    text: str
    current: str


@dataclass
class TableRow(_TemplateFields):
    """One row of the Action Table as templates/actions/_action_row.html shows it.

    Worked out once in Python, so that the partial reads plain values instead of
    calling model methods (choice labels, indicators, the measurable check),
    reversing URLs and formatting numbers and dates for each row; the page and the
    htmx row view both build it. What the partial writes is text: numbers and dates
    in the active language ("" when there is none), the row's element id and version
    as its attributes carry them (the template engine would localize an int).

    Measured need (issue 11): the same partial reading the model with ordinary tags
    and filters ({% url %}, |date, |localize, get_FOO_display, the rules' methods)
    made the page 0.71 x the admin changelist of the same 200 rows in one make bench,
    against 0.41 with these rows (goal: 0.5). The rules themselves are the model's
    (is_overdue, missing_for_measurable, Indicator.text, key_partner_names).
    """

    pk: int
    challenge_id: int | None
    element_id: str
    version: str
    title: str
    url: str
    activity_type: str
    expected_results: str
    indicators: list[IndicatorLine]
    resources: str
    budget_and_days: str
    lead_partner: object
    key_partners: str
    deadline: str
    overdue: bool
    status: str
    progress: str
    start_date: str
    missing: list[str]
    edit_url: str
    move_url: str
    delete_url: str
    edit_label: str
    delete_label: str
    position: int = 0
    # Where ↑ / ↓ can take the row (not past the first or last of its challenge).
    can_move_up: bool = True
    can_move_down: bool = True
    # What the row says after a save, a move or an add, and the button to focus.
    flash: str = ""
    focus_button: str = ""
    # One of the actions a partner updates (its status, progress, indicators' values).
    can_update: bool = False

    @property
    def is_measurable(self) -> bool:
        return not self.missing


def row_labels() -> dict[str, str]:
    """The words every row repeats, translated (and escaped) once per request rather
    than by a translate tag in each row (the partial reads them as ``row_labels``)."""
    labels = {
        "now": _("now"),
        "overdue": _("overdue"),
        "progress": _("Progress"),
        "incomplete": _("incomplete"),
        "missing": _("Missing:"),
        "complete": _("complete"),
        "edit": _("Edit"),
        "update": _("Update progress"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "remove": _("Remove"),
        # The cells' names on a phone, where each row is a card.
        "results": _("Expected results"),
        "resources": _("Necessary resources"),
        "partners": _("Partners"),
        "dates": _("Start – deadline"),
        "status": _("Status"),
    }
    return {key: conditional_escape(label) for key, label in labels.items()}


class TableRows:
    """Turns actions (from ``table_actions``) into TableRows; what is the same for
    every row (labels and number formats of the active language, URL patterns,
    today) is worked out once."""

    # A primary key no row has: reversed once, then replaced by each row's.
    _MARKER = "2147483647"

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.activity_types = {value: str(text) for value, text in Action.ActivityType.choices}
        self.statuses = {value: str(text) for value, text in Action.Status.choices}
        self.urls = {
            name: reverse(f"actions:{name}", args=[self._MARKER]).split(self._MARKER)
            for name in ("action", "action_edit", "action_move", "action_delete")
        }
        self.labels = row_labels()
        self.edit_label = _("Edit %(title)s")
        self.delete_label = _("Remove %(title)s")
        self.people_days_label = _("%(days)s people-days")
        self.short_date_format = formats.get_format("SHORT_DATE_FORMAT")
        # The separators format_number would look up again for every number.
        self.number_format = number_separators()

    def _url(self, name: str, pk: int) -> str:
        prefix, suffix = self.urls[name]
        return f"{prefix}{pk}{suffix}"

    def _number(self, value: Decimal | None, none: str = "") -> str:
        """``value`` as format_number writes it in the active language."""
        return format_number(value, none, separators=self.number_format)

    def _date(self, value: datetime.date | None) -> str:
        """``value`` as formats.date_format(value, "SHORT_DATE_FORMAT") writes it."""
        return dateformat.format(value, self.short_date_format) if value else ""

    def _budget_and_days(self, action: Action) -> str:
        """The budget and the people-days on one line ("1,500 EUR · 12 people-days"),
        either alone, or ""."""
        parts = []
        if action.budget is not None:
            parts.append(f"{self._number(action.budget)} {action.currency}")
        if action.people_days:
            parts.append(self.people_days_label % {"days": self._number(action.people_days)})
        return " · ".join(parts)

    def _indicator_line(self, indicator) -> IndicatorLine:
        return IndicatorLine(
            text=indicator.text(), current=indicator.current_text(self.number_format)
        )

    def rows(self, actions: Iterable[Action]) -> list[TableRow]:
        """The rows of ``actions``, with their key partners' names read in one query."""
        actions = list(actions)
        key_partners = Action.objects.filter(pk__in=[a.pk for a in actions]).key_partner_names()
        return [self._row(action, key_partners.get(action.pk, [])) for action in actions]

    def _row(self, action: Action, key_partners: list[str]) -> TableRow:
        pk = action.pk
        title = action.title
        return TableRow(
            pk=pk,
            challenge_id=action.challenge_id,
            element_id=f"action-{pk}",
            version=str(action.version),
            title=title,
            url=self._url("action", pk),
            activity_type=self.activity_types.get(action.activity_type, action.activity_type),
            expected_results=action.expected_results,
            indicators=[self._indicator_line(indicator) for indicator in action.indicators.all()],
            resources=action.resources,
            budget_and_days=self._budget_and_days(action),
            lead_partner=action.lead_partner,
            key_partners=", ".join(key_partners),
            deadline=self._date(action.deadline),
            overdue=action.is_overdue(self.today),
            status=self.statuses.get(action.status, action.status),
            progress=str(action.progress),
            start_date=self._date(action.start_date),
            missing=action.missing_for_measurable(),
            edit_url=self._url("action_edit", pk),
            move_url=self._url("action_move", pk),
            delete_url=self._url("action_delete", pk),
            edit_label=self.edit_label % {"title": title},
            delete_label=self.delete_label % {"title": title},
            position=action.position,
        )
