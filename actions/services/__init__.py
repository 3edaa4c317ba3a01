"""Every write to the Action Table goes through here: the browser, the admin,
the importer and the meeting cockpit call these functions, so permissions,
validation, history and the lost-update check live in one place."""

from .bulk import RowChange, RowRefused, actions_apply_import
from .common import (
    EDITABLE_FIELDS,
    REASON_LENGTH,
    SYSTEM,
    ActionConflict,
    set_history_author,
    user_or_none,
)
from .imports import import_mapping_remember, import_missing_create
from .indicators import action_indicators_update
from .resource_corrections import delivery_delete, delivery_update, pledge_delete
from .resources import (
    DeliveryRecorded,
    delivery_record,
    funding_line_create,
    funding_line_delete,
    funding_line_errors,
    funding_line_update,
    pledge_create,
    pledge_errors,
    pledge_update,
)
from .rows import (
    action_create,
    action_delete,
    action_move,
    action_restore,
    action_update,
    removed_actions,
)
from .rules import action_changes, partner_errors, progress_doubts, value_changes

__all__ = [
    "EDITABLE_FIELDS",
    "REASON_LENGTH",
    "SYSTEM",
    "ActionConflict",
    "DeliveryRecorded",
    "RowChange",
    "RowRefused",
    "action_changes",
    "action_create",
    "action_delete",
    "action_indicators_update",
    "action_move",
    "action_restore",
    "action_update",
    "actions_apply_import",
    "delivery_delete",
    "delivery_record",
    "delivery_update",
    "funding_line_create",
    "funding_line_delete",
    "funding_line_errors",
    "funding_line_update",
    "import_mapping_remember",
    "import_missing_create",
    "partner_errors",
    "pledge_create",
    "pledge_delete",
    "pledge_errors",
    "pledge_update",
    "progress_doubts",
    "removed_actions",
    "set_history_author",
    "user_or_none",
    "value_changes",
]
