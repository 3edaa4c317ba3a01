"""A partner's statement of its pledges and deliveries to a roadmap, as .xlsx."""

from __future__ import annotations

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import permissions

from ..tasks import SPOOL_BYTES
from ..workbook.statement import Period, statement_filename, write_statement
from .common import get_roadmap_for_user
from .workbook import _workbook_language


def _period(request) -> Period | str:
    """The period of ``?from=&to=`` (ISO dates, either may be left out), or what is wrong."""
    days = {}
    for name in ("from", "to"):
        text = request.GET.get(name, "").strip()
        try:
            days[name] = parse_date(text) if text else None
        except ValueError:
            days[name] = None
        if text and days[name] is None:
            return _("Give the period's dates as YYYY-MM-DD, such as 2026-01-31.")
    if days["from"] and days["to"] and days["from"] > days["to"]:
        return _("The period cannot end before it starts.")
    return Period(start=days["from"], end=days["to"])


@require_safe
def partner_statement(request, pk: int, org_pk: int):
    roadmap = get_roadmap_for_user(request, pk)
    # Only an organisation that may take part in the roadmap has a statement of it.
    organisation = roadmap.eligible_partners().filter(pk=org_pk).first()
    if organisation is None:
        raise Http404
    if not permissions.can_read_partner_statement(request.user, roadmap, organisation.pk):
        raise PermissionDenied
    period = _period(request)
    if isinstance(period, str):
        return HttpResponseBadRequest(period)
    # FileResponse closes the file once it has been sent.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with translation.override(_workbook_language(request)):
        write_statement(roadmap, organisation, period, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=statement_filename(roadmap, organisation, period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
