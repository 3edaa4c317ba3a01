"""A partner's workbook (issue 16): what of it the partner may change, and what is
"not yours, ignored".

A partner's login updates the status and progress of the actions its
organisation leads or partners and their indicators' current values
(``core.permissions``), and adds pledges of its own organisation to them.
Everything else the file would change (rows of other actions, new rows, every
other column, funding lines, changes of saved pledges, other actions'
indicators) is listed in the preview as ignored and never applied; the rest is
applied through ``services.action_update``, ``services.action_indicators_update``
and ``services.pledge_create``, which ask ``core.permissions`` again, keep
history naming the person, and refuse a lost update.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import permissions

from .. import services
from ..models import Action
from .import_indicators import INDICATORS
from .import_resources import FUNDING
from .labels import label
from .line_preview import ResourcesPreview
from .partner_names import row_reason
from .preview import CHANGED, ERROR, IGNORED, UNCHANGED, ImportPreview

# The sheets of which a partner changes nothing: one that cannot be read is
# skipped with a note rather than refusing the file.
UNNEEDED_SHEETS = (FUNDING.key,)

# The cells of a partner's own row that are read: the fields it changes, and how
# the row is found (its ID, the version it was read at).
READ_KEYS = permissions.PARTNER_ACTION_FIELDS | {"id", "version"}


def is_partner_import(user, roadmap) -> bool:
    """Whether ``user`` imports into ``roadmap`` as a partner (not as its staff)."""
    return user is not None and not permissions.can_edit_roadmap(user, roadmap)


def limit(preview: ImportPreview, reader, *, roadmap, user) -> None:
    """Narrow the preview of a partner's workbook (its rows, its Funding and Pledges
    lines) to what the partner may change; list the rest as ignored."""
    own = set(permissions.partner_actions(user, roadmap.actions.all()).values_list("pk", flat=True))
    limit_rows(preview, reader, own=own)
    if preview.resources is not None:
        organisation_id = permissions.partner_organisation_id(user)
        limit_lines(preview.resources, own=own, organisation_id=organisation_id)
        for message in preview.resources.unread.values():
            preview.ignored_notes.append(
                _("%(problem)s Funding lines are kept by the city's staff: the sheet is ignored.")
                % {"problem": message}
            )


def limit_rows(preview: ImportPreview, reader, *, own: set[int]) -> None:
    """Narrow the Action Table's preview to what the partner may change."""
    preview.partner = True
    # A partner creates no organisation or challenge: names unknown to the
    # roadmap are in columns the partner does not change.
    preview.missing_organisations, preview.missing_challenges = {}, {}
    preview.create_organisations, preview.create_challenges = {}, {}
    failed = reader.hand.failed_columns()
    for key, message in failed.items():
        if key not in READ_KEYS and message in preview.column_errors:
            preview.column_errors.remove(message)
            preview.ignored_notes.append(message)
    key_of = {letter: key for key, letter in reader.letters.items()}
    for row in preview.rows:
        if row.kind == UNCHANGED:
            continue
        if row.action_id not in own:
            _ignore_row(row)
        else:
            _limit_own_row(row, reader, key_of)


def _ignore_row(row) -> None:
    if row.action_id is None:
        row.ignored = [_("a new action: partners do not add actions")]
    else:
        row.ignored = [_("not an action of your organisation")]
    row.ignored += [f"{change.label}: {change.new}" for change in row.changes]
    row.kind, row.data, row.changes, row.errors = IGNORED, {}, [], []
    row.as_new = False


def _cell_key(error: str, key_of: dict[str, str], number: int) -> str | None:
    cell, _sep, _message = error.partition(": ")
    return key_of.get(cell.removesuffix(str(number)))


def _limit_own_row(row, reader, key_of: dict[str, str]) -> None:
    """Keep the status and progress of a row of the partner's own action; list
    the rest as ignored."""
    action = reader.actions[row.action_id]
    kept, ignored = [], []
    for error in row.errors:
        (kept if _cell_key(error, key_of, row.row) in READ_KEYS else ignored).append(error)
    others = services.value_changes(
        stored=action, data={k: v for k, v in row.data.items() if k not in READ_KEYS}
    )
    ignored += [
        f"{label(key)}: {reader.display(key, old)} → {reader.display(key, new)}"
        for key, (old, new) in others.items()
    ]
    row.ignored = ignored
    row.errors = kept
    if kept:
        row.kind = ERROR
        return
    data = {key: value for key, value in row.data.items() if key in READ_KEYS}
    reader._compare(row, action, data)


def limit_lines(resources: ResourcesPreview, *, own: set[int], organisation_id) -> None:
    """Keep the new pledges of the partner's organisation to its own actions, and
    the current values of its own actions' indicators."""
    for line in resources.lines:
        if line.kind == UNCHANGED:
            continue
        if line.sheet == INDICATORS:
            if line.action is not None and line.action.pk in own:
                continue
            reason = _("not an action of your organisation")
        elif line.sheet == FUNDING.key:
            reason = _("funding lines are kept by the city's staff")
        elif line.pk is not None:
            reason = _("a saved pledge is changed by the city's staff")
        elif line.action is None or line.action.pk not in own:
            reason = _("not an action of your organisation")
        elif line.data.get("organisation") != organisation_id:
            reason = _("a pledge of another organisation")
        else:
            continue
        line.ignored = [reason, *(f"{c.label}: {c.new}" for c in line.changes)]
        line.kind, line.data, line.changes, line.errors = IGNORED, {}, [], []


def apply_rows(*, roadmap, preview: ImportPreview, by) -> dict[str, int]:
    """Write the partner's changed rows one by one through ``action_update``."""
    changed = [row for row in preview.rows if row.kind == CHANGED]
    actions = {
        action.pk: action
        for action in Action.objects.filter(pk__in=[row.action_id for row in changed])
    }
    for row in changed:
        action = actions.get(row.action_id)
        if action is None:
            raise services.RowRefused(
                row.row, ValidationError(_("This action was removed since the preview."))
            )
        action.roadmap = roadmap
        try:
            services.action_update(
                action=action,
                data=row.data,
                by=by,
                expected_version=row.version,
                reason=row_reason(row),
            )
        except services.ActionConflict as conflict:
            raise services.RowRefused(row.row, conflict) from None
    return {"created": 0, "changed": len(changed)}
