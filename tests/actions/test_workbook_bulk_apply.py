"""The import's apply writes in bulk (services.actions_apply_import): the same rows,
versions, history records (fields, author, reason) and key-partner history as the
row-by-row apply through action_create / action_update that it replaced, which is
kept here as the reference; all or nothing when a row in the middle is refused."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions import services
from actions.models import Action
from actions.workbook.import_ import preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.preview import CHANGED, NEW, ImportFailed
from core.history_reasons import HistoryReason, history_reason
from tests import factories
from tests.actions.test_workbook_import import as_file, exported, row_of, table  # noqa: F401

HistoricalAction = Action.history.model
LinkHistory = HistoricalAction.key_partners.model
# What differs between two runs of the same import by construction: when, and the
# ids the database hands out.
UNCOMPARED = {"history_id", "history_date", "changed_at", "created_at", "id"}


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")


def per_row_apply(*, roadmap, preview, by) -> dict[str, int]:
    """The apply as it was before the bulk path: one service call per row."""
    reason = history_reason(HistoryReason.IMPORTED)
    done = {NEW: 0, CHANGED: 0}
    with transaction.atomic():
        for row in preview.rows:
            if row.kind == NEW:
                services.action_create(roadmap=roadmap, data=row.data, by=by, reason=reason)
            elif row.kind == CHANGED:
                services.action_update(
                    action=Action.objects.get(pk=row.action_id),
                    data=row.data,
                    by=by,
                    expected_version=row.version,
                    reason=reason,
                )
            else:
                continue
            done[row.kind] += 1
    return {"created": done[NEW], "changed": done[CHANGED]}


def _name(action_id, before_ids, positions):
    """A row by its id if it was there before, else by its position (a new row's id
    depends on the database's sequence, which a rolled-back run moves on)."""
    return action_id if action_id in before_ids else ("new", positions[action_id])


def snapshot(roadmap, before_ids: set[int], history_after: int) -> dict:
    positions = dict(Action.objects.filter(roadmap=roadmap).values_list("pk", "position"))
    rows = {}
    for values in Action.objects.filter(roadmap=roadmap).values():
        name = _name(values["id"], before_ids, positions)
        rows[name] = {k: v for k, v in values.items() if k not in UNCOMPARED}
        rows[name]["key_partners"] = set(
            Action.key_partners.through.objects.filter(action_id=values["id"]).values_list(
                "organisation_id", flat=True
            )
        )
    records = []
    for record in HistoricalAction.objects.filter(history_id__gt=history_after).values():
        partners = set(
            LinkHistory.objects.filter(history_id=record["history_id"]).values_list(
                "organisation_id", flat=True
            )
        )
        name = _name(record["id"], before_ids, positions)
        fields = {k: v for k, v in record.items() if k not in UNCOMPARED}
        records.append((str(name), repr(sorted(fields.items())), sorted(partners)))
    return {"rows": rows, "history": sorted(records)}


def changed_workbook(client, editor, table, roadmap, sofia):  # noqa: F811
    """One workbook that changes most of what an import can: progress and status,
    a title, dates, the lead partner, key partners added and removed, a challenge,
    numbers; and adds two rows, one with key partners."""
    extra = factories.organisation(sofia, "Library")
    workbook = exported(client, editor, roadmap)
    sheet = workbook["Action Table"]
    school, awards, loose = (row_of(sheet, table[k]) for k in ("school", "awards", "loose"))
    sheet[f"I{school}"] = 75
    sheet[f"F{school}"] = "Acme, Ltd.; Library"
    sheet[f"A{awards}"] = "CSR awards, renamed"
    sheet[f"E{awards}"] = "Library"
    sheet[f"H{awards}"] = "in progress"
    sheet[f"F{loose}"] = "Green NGO"
    sheet[f"K{loose}"] = datetime.datetime(2030, 1, 1)
    sheet[f"G{loose}"] = datetime.datetime(2030, 6, 30)
    sheet[f"L{loose}"] = "Inclusion"
    sheet[f"N{loose}"] = 1200
    sheet.append(["Tree planting", "volunteering", "Trees", None, "Green NGO", "Acme, Ltd."])
    sheet.append(["Book fair", "event"])
    return as_file(workbook), extra


def test_bulk_apply_writes_what_the_per_row_apply_wrote(
    client,
    editor,
    table,  # noqa: F811
    sofia_roadmap,
    sofia,
):
    content, _extra = changed_workbook(client, editor, table, sofia_roadmap, sofia)
    before_ids = set(sofia_roadmap.actions.values_list("pk", flat=True))
    history_after = HistoricalAction.objects.order_by("-history_id").values_list(
        "history_id", flat=True
    )[0]
    preview = preview_import(sofia_roadmap, content)
    assert preview.counts[CHANGED] == 3 and preview.counts[NEW] == 2, preview.counts
    assert preview.can_apply

    with transaction.atomic():
        reference = per_row_apply(roadmap=sofia_roadmap, preview=preview, by=editor)
        expected = snapshot(sofia_roadmap, before_ids, history_after)
        transaction.set_rollback(True)

    content.seek(0)
    preview = preview_import(sofia_roadmap, content)
    result = apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert result == {**reference, "lines": 0, "indicators": 0}
    assert result == {"created": 2, "changed": 3, "lines": 0, "indicators": 0}
    got = snapshot(sofia_roadmap, before_ids, history_after)
    assert got["rows"] == expected["rows"]
    assert got["history"] == expected["history"]
    # One record per written row, by the importer, with the import's reason.
    records = HistoricalAction.objects.filter(history_id__gt=history_after)
    assert records.count() == 5
    assert set(records.values_list("history_user", "history_change_reason")) == {
        (editor.pk, history_reason(HistoryReason.IMPORTED))
    }
    school = Action.objects.get(pk=table["school"].pk)
    assert school.version == 2 and school.progress == 75
    assert school.changed_by == editor


def _progress_workbook(client, editor, roadmap, actions):
    workbook = exported(client, editor, roadmap)
    sheet = workbook["Action Table"]
    for action in actions:
        sheet[f"I{row_of(sheet, action)}"] = (action.progress + 9) % 101
    return as_file(workbook)


def test_a_conflict_in_the_middle_writes_nothing_and_names_the_row(
    client,
    editor,
    other_editor,
    sofia_roadmap,
    network_admin,
):
    actions = [factories.action(sofia_roadmap, title=f"Row {n}", progress=n) for n in range(5)]
    content = _progress_workbook(client, editor, sofia_roadmap, actions)
    preview = preview_import(sofia_roadmap, content)
    assert preview.counts[CHANGED] == 5
    middle = actions[2]
    services.action_update(
        action=middle, data={"title": "Saved meanwhile"}, by=network_admin, expected_version=1
    )
    history = HistoricalAction.objects.count()
    (row,) = [r for r in preview.rows if r.action_id == middle.pk]

    with pytest.raises(ImportFailed) as bulk:
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    with pytest.raises(services.ActionConflict) as per_row, transaction.atomic():
        per_row_apply(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert bulk.value.message == f"Row {row.row}: {per_row.value}"
    assert "now version 2" in bulk.value.message
    assert HistoricalAction.objects.count() == history
    assert [a.version for a in Action.objects.filter(pk__in=[a.pk for a in actions])] == [
        1,
        1,
        2,
        1,
        1,
    ]
    assert list(
        Action.objects.filter(pk__in=[a.pk for a in actions]).values_list("progress", flat=True)
    ) == [0, 1, 2, 3, 4]


def test_a_rule_broken_in_the_middle_writes_nothing(client, editor, sofia_roadmap, vratsa):
    """A row the preview let through but the services refuse (its lead partner left
    the working group since): the apply names it and writes none of the rows."""
    actions = [factories.action(sofia_roadmap, title=f"Row {n}", progress=n) for n in range(3)]
    content = _progress_workbook(client, editor, sofia_roadmap, actions)
    preview = preview_import(sofia_roadmap, content)
    outsider = factories.organisation(vratsa, "Elsewhere")
    (row,) = [r for r in preview.rows if r.action_id == actions[1].pk]
    row.data["lead_partner"] = outsider.pk
    with pytest.raises(ImportFailed) as refused:
        apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
    assert refused.value.message.startswith(f"Row {row.row}: Only organisations")
    assert list(
        Action.objects.filter(pk__in=[a.pk for a in actions]).values_list("version", flat=True)
    ) == [1, 1, 1]


def test_the_bulk_apply_asks_the_same_queries_for_3_rows_as_for_12(
    client, editor, sofia_roadmap, sofia
):
    partner = factories.organisation(sofia, "Partner")
    counts = []
    # The first run also reads the editor's permissions, which the user then keeps.
    for size in (1, 3, 12):
        actions = [
            factories.action(sofia_roadmap, title=f"Row {size} {n}", key_partners=[partner])
            for n in range(size)
        ]
        content = _progress_workbook(client, editor, sofia_roadmap, actions)
        preview = preview_import(sofia_roadmap, content)
        assert preview.counts[CHANGED] == size
        with CaptureQueriesContext(connection) as queries:
            apply_import(roadmap=sofia_roadmap, preview=preview, by=editor)
        counts.append(len(queries))
        sofia_roadmap.actions.filter(pk__in=[a.pk for a in actions]).delete()
    assert counts[1] == counts[2], counts
