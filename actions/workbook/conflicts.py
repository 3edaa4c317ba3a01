"""Who saved the rows an import's preview finds in conflict (issue 16): named as the
action's history names them to the importing user (``history.people_names``), so
that "saved since, as version 3" says by whom."""

from __future__ import annotations

from core import permissions

from ..history import people_names
from ..models import Action
from .preview import CONFLICT, ImportPreview


def name_who_saved(preview: ImportPreview, *, roadmap, user) -> None:
    """Set ``saved_by`` on the preview's conflicting rows and Indicators lines (one
    query for the actions, one for their people). ``user`` None: an operator's
    command line, who reads names as the staff do."""
    rows = [row for row in preview.rows if row.kind == CONFLICT and row.action_id]
    lines = [
        line
        for line in (preview.resources.lines if preview.resources is not None else ())
        if line.kind == CONFLICT and line.sheet == "sheet_indicators" and line.action_id
    ]
    ids = {row.action_id for row in rows} | {line.action_id for line in lines}
    if not ids:
        return
    saved_by = dict(
        Action.objects.filter(pk__in=ids, changed_by__isnull=False).values_list(
            "pk", "changed_by__username"
        )
    )
    can_see_people = user is None or permissions.can_see_people(user, roadmap.city_id)
    names = people_names(saved_by.values(), can_see_people=can_see_people)
    for found in (*rows, *lines):
        found.saved_by = names.get(saved_by.get(found.action_id), "")
