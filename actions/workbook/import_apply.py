"""Apply an import's preview: its new and changed rows (the city's staff's in bulk,
a partner's row by row) and its funding lines and pledges, all or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason

from .. import services
from ..models import Roadmap
from . import partner_scope
from .import_resources import apply_resources
from .partner_names import create_missing, resolve, row_reason
from .preview import (
    CHANGED,
    NEW,
    ImportFailed,
    ImportPreview,
)


def apply_import(*, roadmap: Roadmap, preview: ImportPreview, by) -> dict[str, int]:
    """Write the preview's new and changed rows, and its funding lines and pledges,
    all or nothing, as ``by``: the rows in one call of the services, which check and
    write them in bulk (a partner's row by row, ``partner_scope.apply_rows``).

    Returns {"created": new rows, "changed": changed rows, "lines": new and changed
    funding lines and pledges}."""
    if preview.has_problems:
        raise ImportFailed(_("Correct the errors and conflicts first."))
    try:
        with transaction.atomic():
            if preview.partner:
                result = partner_scope.apply_rows(roadmap=roadmap, preview=preview, by=by)
            else:
                result = _apply_rows(roadmap=roadmap, preview=preview, by=by)
            lines = 0
            if preview.resources is not None:
                done = apply_resources(roadmap=roadmap, preview=preview.resources, by=by)
                lines = done[NEW] + done[CHANGED]
            return {**result, "lines": lines}
    except services.RowRefused as refused:
        error = refused.error
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        if refused.key is None:
            raise ImportFailed(text) from None
        raise ImportFailed(
            _("Row %(row)s: %(error)s") % {"row": refused.key, "error": text}
        ) from None


def imported_message(result: dict[str, int]) -> str:
    """What the apply says it did."""
    message = _("Imported: %(created)s new and %(changed)s changed actions.") % result
    if result.get("lines"):
        message += " " + _("Funding lines and pledges: %(lines)s new or changed.") % result
    return message


def _apply_rows(*, roadmap: Roadmap, preview: ImportPreview, by) -> dict[str, int]:
    """The rows as the city's staff import them: every field, new rows too."""
    # What the file names and the database lacks (ticked in the preview), first.
    created = create_missing(roadmap=roadmap, preview=preview, by=by)
    changes = [
        services.RowChange(
            key=row.row,
            data=resolve(row.data, created),
            action_id=row.action_id if row.kind == CHANGED else None,
            expected_version=row.version,
            reason=row_reason(row),
        )
        for row in preview.rows
        if row.kind in (NEW, CHANGED)
    ]
    return services.actions_apply_import(
        roadmap=roadmap,
        changes=changes,
        by=by,
        reason=history_reason(HistoryReason.IMPORTED),
    )
