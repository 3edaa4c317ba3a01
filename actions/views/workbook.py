"""Download a roadmap as an Excel workbook, and bring its Action Table back in."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from cities4csr import permissions

from ..filters import ActionFilter
from ..workbook.export import describe_filter, export_queryset, workbook_filename, write_workbook
from .common import get_roadmap_for_user

# Up to this size the workbook is built in memory, beyond it in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _workbook_language(request) -> str:
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        return wanted
    return translation.get_language() or settings.LANGUAGE_CODE


@require_GET
def export(request, pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    query = request.GET.copy()
    query.pop("lang", None)
    filterset = ActionFilter(
        query or None,
        queryset=roadmap.actions.all(),
        roadmap=roadmap,
        organisation_id=permissions.access_for(request.user).organisation_id,
    )
    # FileResponse closes the file once it has been sent.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with translation.override(_workbook_language(request)):
        write_workbook(
            roadmap,
            export_queryset(filterset.qs, sorted_by_user=filterset.is_sorted),
            out,
            filter_description=describe_filter(filterset),
        )
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=workbook_filename(roadmap, timezone.localdate()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
