"""Writing many rows of one roadmap at once (the workbook import): the same
permissions, rules, lost-update refusal and history as ``action_create`` and
``action_update`` row by row, decided for all the rows in a few queries.

The rows are locked in one query and their versions checked there; each row is
validated by the rules of ``rules.py`` with what they read of the roadmap read
once (``RoadmapFacts``); the rows are written with ``bulk_update`` /
``bulk_create`` and their history with simple-history's bulk helpers, one record
per written row with the same author and reason, and with its key partners as the
row-by-row save records them. All or nothing: the first row (in the order given)
that a rule, a conflict or the database refuses stops the whole write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Action, Roadmap
from .common import ActionConflict, _check_can_edit, set_history_author, user_or_none
from .rules import RoadmapFacts, _apply, _validate, value_changes

# Rows per statement of the bulk writes.
BATCH = 1000
Link = Action.key_partners.through
# What simple-history records of a row's key partners with each of its records.
LinkHistory = Action.history.model.key_partners.model


@dataclass
class RowChange:
    """One row to write: a new row (``action_id`` None) or a change of the saved row
    ``action_id`` made from its ``expected_version``. ``key`` names it in an error
    (the importer's row number)."""

    key: Any
    data: Mapping[str, Any]
    action_id: int | None = None
    expected_version: int | None = None
    # History's reason for this row, where it is not the apply's (a text date read).
    reason: str = ""


@dataclass
class _Written:
    key: Any
    action: Action
    key_partner_ids: set[int] | None
    reason: str = ""


class RowRefused(Exception):
    """The row ``key`` was refused (``error``: an ActionConflict or a ValidationError);
    nothing was written."""

    def __init__(self, key, error: Exception):
        self.key = key
        self.error = error
        super().__init__(f"{key}: {error}")


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` in pieces a statement can take (all at once where there is no limit)."""
    size = connection.features.max_query_params or len(ids) or 1
    for first in range(0, len(ids), size):
        yield ids[first : first + size]


def actions_apply_import(
    *, roadmap: Roadmap, changes: Sequence[RowChange], by, reason: str = ""
) -> dict[str, int]:
    """Write ``changes`` into ``roadmap`` as ``by``, all or nothing; raises RowRefused
    for the first row refused. A change that changes nothing (the row already holds
    it) writes nothing and keeps the version, as ``action_update`` does.

    Returns {"created": new rows, "changed": changed rows}.
    """
    _check_can_edit(by, roadmap)
    user = user_or_none(by)
    with transaction.atomic():
        writer = _Writer(roadmap, by=by, user=user, reason=reason)
        writer.check(changes)
        writer.write()
    return {"created": len(writer.created), "changed": writer.changed_count}


class _Writer:
    def __init__(self, roadmap: Roadmap, *, by, user, reason: str):
        self.roadmap, self.by, self.user, self.reason = roadmap, by, user, reason
        self.facts = RoadmapFacts(roadmap)
        self.now = timezone.now()
        # The rows to write, in the order given: (key, row, key partner ids or None).
        self.created: list[_Written] = []
        self.updated: list[_Written] = []
        self.written: list[_Written] = []
        self.changed_count = 0
        self.fields: set[str] = set()

    # --- reading and checking ---------------------------------------------------

    def check(self, changes: Sequence[RowChange]) -> None:
        ids = [change.action_id for change in changes if change.action_id is not None]
        self.current = self._lock(ids)
        self.links = self._links(ids)
        if any(change.action_id is None for change in changes):
            # Two imports adding rows at once get different positions.
            Roadmap.objects.select_for_update().filter(pk=self.roadmap.pk).first()
            last = self.roadmap.actions.aggregate(last=Max("position"))["last"]
            self.next_position = 0 if last is None else last + 1
        for change in changes:
            try:
                if change.action_id is None:
                    self._check_new(change)
                else:
                    self._check_change(change)
            except (ActionConflict, ValidationError) as error:
                raise RowRefused(change.key, error) from None

    def _lock(self, ids: list[int]) -> dict[int, Action]:
        """The saved rows, locked (PostgreSQL; SQLite's IMMEDIATE transaction keeps
        other writers out), in one query (one per chunk where statements are capped)."""
        current = {}
        for chunk in _chunks(ids):
            rows = Action.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            for action in rows:
                # A row stays in its roadmap: this copy saves a query per row.
                action.roadmap = self.roadmap
                current[action.pk] = action
        return current

    def _links(self, ids: list[int]) -> dict[int, dict[int, int]]:
        """The key partners of the saved rows: {action id: {organisation id: link id}}."""
        links: dict[int, dict[int, int]] = defaultdict(dict)
        for chunk in _chunks(ids):
            rows = Link.objects.filter(action_id__in=chunk).values_list(
                "pk", "action_id", "organisation_id"
            )
            for pk, action_id, organisation_id in rows:
                links[action_id][organisation_id] = pk
        return links

    def _check_new(self, change: RowChange) -> None:
        action = Action(roadmap=self.roadmap, position=self.next_position)
        key_partner_ids = _apply(action, change.data)
        _validate(action, key_partner_ids, facts=self.facts)
        self.next_position += 1
        action.created_by = self.user
        self._add(self.created, change, action, key_partner_ids)

    def _add(
        self, rows: list, change: RowChange, action: Action, key_partner_ids: set[int] | None
    ) -> None:
        written = _Written(change.key, action, key_partner_ids, change.reason)
        rows.append(written)
        self.written.append(written)

    def _check_change(self, change: RowChange) -> None:
        current = self.current.get(change.action_id)
        if current is None:
            raise ValidationError(_("This action was removed since the preview."))
        if current.version != change.expected_version:
            raise ActionConflict(current=current, attempted=change.data)
        stored_partners = frozenset(self.links.get(current.pk, {}))
        stored = {
            name: stored_partners
            if name == "key_partners"
            else getattr(current, Action._meta.get_field(name).attname)
            for name in change.data
        }
        changes = value_changes(stored=stored, data=change.data)
        self.changed_count += 1
        if not changes:
            return
        key_partner_ids = _apply(current, change.data)
        _validate(
            current,
            set(stored_partners) if key_partner_ids is None else key_partner_ids,
            facts=self.facts,
        )
        self.fields.update(name for name in changes if name != "key_partners")
        current.version = change.expected_version + 1
        self._add(self.updated, change, current, key_partner_ids)

    # --- writing ------------------------------------------------------------------

    def write(self) -> None:
        try:
            # A savepoint, so that the database's refusal leaves the transaction usable
            # to find the row it refused.
            with transaction.atomic():
                self._claim()
                self._write_rows()
                self._write_links()
                self._write_link_history()
        except IntegrityError as error:
            self._refused_by_database(error)

    def _claim(self) -> None:
        """Compare-and-set on the versions, one UPDATE per version the rows were read
        at: as ``action_update``'s, the check that depends on no lock. It also says
        who changed the rows and when, the same for all of them."""
        by_version: dict[int, list[int]] = defaultdict(list)
        for row in self.updated:
            by_version[row.action.version - 1].append(row.action.pk)
        for version, ids in by_version.items():
            for chunk in _chunks(ids):
                bumped = Action.objects.filter(pk__in=chunk, version=version).update(
                    version=version + 1, changed_by=self.user, changed_at=self.now
                )
                if bumped != len(chunk):
                    self._conflict(chunk, version)

    def _conflict(self, ids: Sequence[int], version: int) -> None:
        """Name the first row whose version moved on (or, if the versions cannot
        tell, the first of the statement that found one missing)."""
        moved = dict(Action.objects.filter(pk__in=ids).values_list("pk", "version"))
        mine = [row for row in self.updated if row.action.pk in set(ids)]
        first = next((row for row in mine if moved.get(row.action.pk) != version + 1), mine[0])
        current = Action.objects.filter(pk=first.action.pk).first() or first.action
        raise RowRefused(first.key, ActionConflict(current=current, attempted={}))

    def _write_rows(self) -> None:
        for row in self.written:
            row.action.changed_by = self.user
            set_history_author(row.action, by=self.by, reason=row.reason or self.reason)
        if self.updated:
            for row in self.updated:
                row.action.changed_at = self.now  # auto_now, which bulk_update does not set
            # The version, author and time are written by _claim; the fields that
            # changed here (none where only key partners did: history alone).
            bulk_update_with_history(
                [row.action for row in self.updated],
                Action,
                sorted(self.fields),
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=self.reason or None,
                default_date=self.now,
            )
        if self.created:
            # PostgreSQL and SQLite (3.35+) return the new rows' ids to their objects.
            bulk_create_with_history(
                [row.action for row in self.created],
                Action,
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=self.reason or None,
                default_date=self.now,
            )

    def _write_links(self) -> None:
        """Key partners: the links given rows lost in one DELETE, those they gained in
        one INSERT (``set`` row by row keeps the links that stay, and their ids)."""
        removed, added = [], []
        for row in self.written:
            if row.key_partner_ids is None:
                continue
            stored = self.links.setdefault(row.action.pk, {})
            for organisation_id in set(stored) - row.key_partner_ids:
                removed.append(stored.pop(organisation_id))
            added.extend(
                Link(action_id=row.action.pk, organisation_id=organisation_id)
                for organisation_id in sorted(row.key_partner_ids - set(stored))
            )
        for chunk in _chunks(removed):
            Link.objects.filter(pk__in=chunk).delete()
        for link in Link.objects.bulk_create(added, batch_size=BATCH):
            if link.pk is None:  # a database that returns no ids from a bulk insert
                link.pk = Link.objects.get(
                    action_id=link.action_id, organisation_id=link.organisation_id
                ).pk
            self.links[link.action_id][link.organisation_id] = link.pk

    def _write_link_history(self) -> None:
        """What each history record holds of its row's key partners: all of them, as
        simple-history records with a row's record (``create_historical_record``)."""
        written = {row.action.pk for row in self.written}
        if not written:
            return
        records = Action.history.filter(
            roadmap_id=self.roadmap.pk, history_date=self.now
        ).values_list("id", "history_id")
        rows = [
            LinkHistory(
                history_id=history_id,
                id=link_id,
                action_id=action_id,
                organisation_id=organisation_id,
            )
            for action_id, history_id in records
            if action_id in written
            for organisation_id, link_id in self.links.get(action_id, {}).items()
        ]
        LinkHistory.objects.bulk_create(rows, batch_size=BATCH)

    def _refused_by_database(self, error: IntegrityError) -> None:
        """The database refused a row (a check constraint): name the first one that
        breaks it, with the constraint's message, as a row's own save does."""
        constraint = Action.violated_constraint(error)
        if constraint is None or constraint.violation_error_message is None:
            raise error
        fields = [field.name for field in Action._meta.concrete_fields]
        for row in self.written:
            messages = row.action.constraint_errors(fields=fields)
            if messages:
                raise RowRefused(row.key, ValidationError({NON_FIELD_ERRORS: messages})) from error
        message = constraint.get_violation_error_message()
        raise RowRefused(None, ValidationError({NON_FIELD_ERRORS: [message]})) from error
