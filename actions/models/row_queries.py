"""The Action Table's rows as queries: who sees and edits them, which are overdue or
due soon, whose they are, in what order the table shows them (``Action.objects``)."""

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core import permissions

if TYPE_CHECKING:
    from .rows import Action

DUE_SOON_DAYS = 30


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(permissions.roadmap_filter(user, prefix="roadmap__"))

    def editable_by(self, user):
        return self.filter(permissions.editable_roadmap_filter(user, prefix="roadmap__"))

    def open(self):
        return self.exclude(status__in=self.model.CLOSED_STATUSES)

    def of_organisation(self, organisation_id: int):
        """The actions an organisation leads or is a key partner of ("our actions")."""
        return self.filter(self.led_or_partnered_by([organisation_id]))

    @staticmethod
    def led_or_partnered_by(organisations) -> Q:
        """The actions one of ``organisations`` (ids, or a query of them) leads or is
        a key partner of: a subquery rather than a join over key partners, which
        would repeat rows and need DISTINCT."""
        from .rows import Action  # the model this QuerySet is the manager of

        links = Action.key_partners.through
        partnered = links.objects.filter(organisation_id__in=organisations).values("action_id")
        return Q(lead_partner_id__in=organisations) | Q(pk__in=partnered)

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.model.overdue_condition(today or timezone.localdate()))

    def due_soon(self, today: datetime.date | None = None, days: int = DUE_SOON_DAYS):
        return self.filter(self.model.due_soon_condition(today or timezone.localdate(), days))

    def key_partner_names(self) -> dict[int, list[str]]:
        """The names of each action's key partners, by action id, in name order (one
        query): how the table, the workbook and the importer name them."""
        names: dict[int, list[str]] = {}
        links = (
            self.model.key_partners.through.objects.filter(action_id__in=self.values("pk"))
            .order_by("organisation__name", "organisation_id")
            .values_list("action_id", "organisation__name")
        )
        for action_id, name in links:
            names.setdefault(action_id, []).append(name)
        return names

    def in_table_order(self):
        """In the Action Table's order: by challenge (unassigned last, on SQLite as on
        PostgreSQL), then by position. Its columns only, so that a page of rows is a
        slice of one index-friendly sort (the challenge is one small join)."""
        return self.order_by(
            F("challenge__position").asc(nulls_last=True), "challenge_id", "position", "pk"
        )

    def ahead_of(self, action: "Action"):
        """The actions that ``in_table_order`` puts before ``action`` (its page is how
        many of them there are, divided by the page's size). Positions are unique in
        a roadmap, and so are a challenge's."""
        same_challenge_before = Q(challenge_id=action.challenge_id) & (
            Q(position__lt=action.position) | Q(position=action.position, pk__lt=action.pk)
        )
        if action.challenge_id is None:
            return self.filter(Q(challenge__isnull=False) | same_challenge_before)
        challenge = action.challenge
        return self.filter(
            Q(challenge__position__lt=challenge.position)
            | Q(challenge__position=challenge.position, challenge_id__lt=challenge.pk)
            | same_challenge_before
        )

    def measurable(self):
        """The tangible and measurable rows (``Action.measurable_condition``)."""
        return self.filter(self.model.measurable_condition())

    def for_table(self):
        """Everything the Action Table shows, in a fixed number of queries."""
        return self.select_related("challenge", "lead_partner", "roadmap__city").prefetch_related(
            "key_partners", "indicators"
        )

    def as_values(self, *fields: str) -> dict[int, dict]:
        """These rows as ``services.value_changes`` compares them: {id: {field:
        value}} of ``fields`` (foreign keys as ids), with "key_partners" a frozenset
        of organisation ids; two queries."""
        rows = {row["pk"]: row for row in self.order_by().values("pk", *fields)}
        partners: dict[int, set[int]] = defaultdict(set)
        links = self.model.key_partners.through.objects.filter(action_id__in=self.values("pk"))
        for action_id, organisation_id in links.values_list("action_id", "organisation_id"):
            partners[action_id].add(organisation_id)
        for pk, row in rows.items():
            row["key_partners"] = frozenset(partners.get(pk, ()))
        return rows
