"""Apply an import's preview: its new and changed rows (the city's staff's in bulk,
a partner's row by row), its funding lines and pledges (``apply_resources``) and
its indicators' current values (``import_indicators.apply_indicators``), all or
nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason

from .. import services
from ..models import FundingLine, Pledge, Roadmap
from . import partner_scope
from .import_indicators import INDICATORS, apply_indicators
from .import_resources import FUNDING
from .labels import label
from .line_preview import LinePreview, ResourcesPreview
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
            lines = indicators = 0
            if preview.resources is not None:
                done = apply_resources(roadmap=roadmap, preview=preview.resources, by=by)
                lines = done[NEW] + done[CHANGED]
                # After the rows: an action's row changed first is a version on.
                bumped = {row.action_id for row in preview.rows if row.kind == CHANGED}
                indicators = apply_indicators(lines=preview.resources.lines, bumped=bumped, by=by)
            return {**result, "lines": lines, "indicators": indicators}
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
    if result.get("indicators"):
        message += " " + _("Current values of indicators: %(indicators)s changed.") % result
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


def apply_resources(*, roadmap: Roadmap, preview: ResourcesPreview, by) -> dict[str, int]:
    """Write the preview's new and changed lines, all or nothing, as ``by``; call it
    inside the transaction of the Action Table's apply to make the file one whole."""
    if preview.has_problems:
        raise ImportFailed(_("Correct the errors and conflicts first."))
    reason = history_reason(HistoryReason.IMPORTED)
    done = {NEW: 0, CHANGED: 0}
    with transaction.atomic():
        for line in preview.lines:
            # The Indicators sheet's lines are apply_indicators'.
            if line.kind not in done or line.sheet == INDICATORS:
                continue
            try:
                _write(line, by=by, reason=reason)
            except ValidationError as error:
                raise ImportFailed(
                    _("%(sheet)s, row %(row)s: %(message)s")
                    % {
                        "sheet": label(line.sheet),
                        "row": line.row,
                        "message": " ".join(error.messages),
                    }
                ) from error
            done[line.kind] += 1
    return done


def _write(line: LinePreview, *, by, reason: str) -> None:
    if line.sheet == FUNDING.key:
        if line.kind == NEW:
            services.funding_line_create(action=line.action, data=line.data, by=by, reason=reason)
        else:
            services.funding_line_update(
                funding_line=FundingLine(pk=line.pk, action=line.action),
                data=line.data,
                by=by,
                expected_version=line.version,
                reason=reason,
            )
    elif line.kind == NEW:
        services.pledge_create(action=line.action, data=line.data, by=by, reason=reason)
    else:
        services.pledge_update(
            pledge=Pledge(pk=line.pk, action=line.action),
            data=line.data,
            by=by,
            expected_version=line.version,
            reason=reason,
        )
