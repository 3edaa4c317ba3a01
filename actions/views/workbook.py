"""Download a roadmap as an Excel workbook, and bring its Action Table back in.

A large export, and a large import's preview and apply (more than ``BACKGROUND_ROWS``
rows), are jobs (``actions.tasks``, ``actions.import_tasks``): the page sends the user
to the job's page, which opens the preview (``?job=<id>`` here) when it is ready."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.db import OperationalError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import permissions
from core.database import is_database_busy
from jobs.models import Job
from jobs.services import TooManyJobs, may_open

from .. import import_tasks
from ..tasks import XLSX, export_filter, export_start, export_write, is_large
from ..workbook import mapping_form, uploads
from ..workbook.export import workbook_filename
from ..workbook.import_ import preview_import
from ..workbook.import_apply import apply_import, imported_message
from ..workbook.mapping import ImportOptions, OptionError
from ..workbook.preview import ImportFailed, WorkbookRejected
from ..workbook.safety import MAX_UPLOAD_BYTES, UnsafeUpload, check_workbook_file
from ..workbook.summary import remember
from ..workbook.template import template_filename, write_template
from .common import get_roadmap_for_editor, get_roadmap_for_importer, get_roadmap_for_user


def _workbook_language(request) -> str:
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        return wanted
    return translation.get_language() or settings.LANGUAGE_CODE


@require_safe
def export(request, pk: int):
    """The workbook of the table as filtered; a large one is made by a job, and the
    user is sent to its page (a HEAD only asks, and starts nothing)."""
    roadmap = get_roadmap_for_user(request, pk)
    query = request.GET.copy()
    query.pop("lang", None)
    filterset = export_filter(roadmap, query, request.user)
    language = _workbook_language(request)
    if request.user.is_authenticated and is_large(filterset):
        if request.method == "HEAD":
            return HttpResponse()
        try:
            job = export_start(roadmap=roadmap, query=query, language=language, by=request.user)
        except TooManyJobs as exc:
            messages.error(request, exc.message)
            return redirect(roadmap)
        return redirect(job)
    return FileResponse(
        export_write(roadmap, filterset, language),
        as_attachment=True,
        filename=workbook_filename(roadmap, timezone.localdate()),
        content_type=XLSX,
    )


@require_safe
def import_template(request, pk: int):
    """A blank Action Table to fill in by hand, in the reader's language."""
    roadmap = get_roadmap_for_editor(request, pk)
    out = io.BytesIO()
    with translation.override(_workbook_language(request)):
        write_template(roadmap, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=template_filename(roadmap),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _import_page(request, roadmap, *, error: str = "", status: int = 200):
    context = {"roadmap": roadmap, "error": error, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    context["can_edit"] = permissions.can_edit_roadmap(request.user, roadmap)
    return render(request, "actions/import.html", context, status=status)


def _preview_page(request, roadmap, preview, *, ticket=None, error: str = "", status: int = 200):
    context = {
        "roadmap": roadmap,
        "preview": preview,
        "counts": preview.counts,
        "rows": preview.rows_to_show(),
        # The apply button: only for a preview that can be applied.
        "ticket": ticket if preview.can_apply else None,
        # The mapping step's form: for any stored upload.
        "mapping_ticket": ticket,
        "error": error,
        **mapping_form.context(preview),
    }
    return render(request, "actions/import_preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
def import_workbook(request, pk: int):
    """Upload a workbook and see what it would change; then apply it, or cancel.
    A partner's changes only what the partner may (``workbook.partner_scope``)."""
    roadmap = get_roadmap_for_importer(request, pk)
    if request.method == "GET":
        if "job" in request.GET:
            return _job_preview(request, roadmap)
        return _import_page(request, roadmap)
    if "ticket" in request.POST and "cancel" in request.POST:
        return _cancel(request, roadmap)
    if "ticket" in request.POST and "refresh" in request.POST:
        return _refresh(request, roadmap)
    if "ticket" in request.POST:
        return _apply(request, roadmap)
    return _preview(request, roadmap)


def _preview(request, roadmap):
    upload = request.FILES.get("workbook")
    if upload is None:
        return _import_page(request, roadmap, error=_("Choose a workbook to upload."), status=400)
    try:
        check_workbook_file(upload, upload.size)
        rows = import_tasks.sheet_rows(upload, ImportOptions())
        if import_tasks.is_large(rows):
            return _preview_in_job(request, roadmap, upload, rows)
        preview = preview_import(roadmap, upload, user=request.user)
    except (UnsafeUpload, WorkbookRejected) as exc:
        return _import_page(request, roadmap, error=exc.message, status=exc.status)
    ticket = None
    if preview.can_apply or preview.hand_made:
        # Kept for the apply, and for a hand-made file's mapping step.
        upload.seek(0)
        try:
            ticket = uploads.store(upload.read(), roadmap_id=roadmap.pk, user_id=request.user.pk)
        except uploads.StoreFull as exc:
            return _preview_page(request, roadmap, preview, error=exc.message, status=exc.status)
    return _preview_page(request, roadmap, preview, ticket=ticket)


def _preview_in_job(request, roadmap, upload, rows: int):
    """A large upload: kept, and previewed by a job; the user goes to its page."""
    upload.seek(0)
    try:
        ticket = uploads.store(upload.read(), roadmap_id=roadmap.pk, user_id=request.user.pk)
    except uploads.StoreFull as exc:
        return _import_page(request, roadmap, error=exc.message, status=exc.status)
    return _started(
        request,
        roadmap,
        lambda: import_tasks.preview_start(
            roadmap=roadmap, ticket=ticket, choices="", rows=rows, refresh=False, by=request.user
        ),
        refused=lambda: uploads.discard(ticket, roadmap_id=roadmap.pk, user_id=request.user.pk),
    )


def _started(request, roadmap, start, *, refused=None):
    """The page of the job ``start()`` starts (or finds under way); ``refused()`` when
    the user has too many under way."""
    try:
        job = start()
    except TooManyJobs as exc:
        if refused is not None:
            refused()
        return _import_page(request, roadmap, error=exc.message, status=exc.status)
    return redirect(job)


def _job_preview(request, roadmap):
    """The preview a job made (of a large upload), as the request would have shown it."""
    pk = request.GET["job"]
    job = (
        Job.objects.defer("result_file")
        .filter(pk=int(pk) if pk.isdigit() else 0, owner=request.user.pk)
        .filter(kind=Job.Kind.IMPORT_PREVIEW, state=Job.State.DONE)
        .first()
    )
    if job is None or job.params.get("roadmap") != roadmap.pk or not may_open(request.user, job):
        raise Http404
    preview, ticket = import_tasks.preview_of(job)
    return _preview_page(request, roadmap, preview, ticket=ticket)


def _stored(request, roadmap):
    """The stored upload of the POST's ticket, or the import page saying it is gone."""
    owner = {"roadmap_id": roadmap.pk, "user_id": request.user.pk}
    try:
        return uploads.load(request.POST.get("ticket", ""), **owner), None
    except uploads.TicketInvalid:
        return None, _import_page(
            request,
            roadmap,
            error=_("The uploaded workbook is no longer available; upload it again."),
            status=400,
        )


def _refresh(request, roadmap):
    """The mapping step: the stored upload previewed again with the user's choices."""
    content, gone = _stored(request, roadmap)
    if gone is not None:
        return gone
    ticket = request.POST["ticket"]
    try:
        options = mapping_form.options(request.POST)
        rows = import_tasks.sheet_rows(io.BytesIO(content), options)
        if import_tasks.is_large(rows):
            choices = import_tasks.choices_of(request.POST)
            return _started(
                request,
                roadmap,
                lambda: import_tasks.preview_start(
                    roadmap=roadmap,
                    ticket=ticket,
                    choices=choices,
                    rows=rows,
                    refresh=True,
                    by=request.user,
                ),
            )
        preview = preview_import(roadmap, io.BytesIO(content), options=options, user=request.user)
    except OptionError as exc:
        return _import_page(request, roadmap, error=str(exc), status=400)
    except WorkbookRejected as exc:
        return _import_page(request, roadmap, error=exc.message, status=exc.status)
    return _preview_page(request, roadmap, preview, ticket=ticket)


def _cancel(request, roadmap):
    uploads.discard(request.POST["ticket"], roadmap_id=roadmap.pk, user_id=request.user.pk)
    messages.info(request, _("The import was cancelled; nothing was imported."))
    return redirect(roadmap)


def _already_applied(request, roadmap, applied):
    """The answer to a second apply of one upload: what the first one did, and where."""
    context = {"roadmap": roadmap, "applied": applied}
    return render(request, "actions/import_applied.html", context, status=409)


def _apply(request, roadmap):
    ticket = request.POST.get("ticket", "")
    owner = {"roadmap_id": roadmap.pk, "user_id": request.user.pk}
    try:
        applied = uploads.applied(ticket, **owner)
        if applied is not None:
            return _already_applied(request, roadmap, applied)
        content = uploads.load(ticket, **owner)
    except uploads.TicketInvalid:
        return _import_page(
            request,
            roadmap,
            error=_("The uploaded workbook is no longer available; upload it again."),
            status=400,
        )
    try:
        check_workbook_file(io.BytesIO(content), len(content))
        # Compared with the database again: it may have changed since the preview.
        options = mapping_form.options(request.POST)
        rows = import_tasks.sheet_rows(io.BytesIO(content), options)
        if import_tasks.is_large(rows):
            choices = import_tasks.choices_of(request.POST)
            return _started(
                request,
                roadmap,
                lambda: import_tasks.apply_start(
                    roadmap=roadmap, ticket=ticket, choices=choices, rows=rows, by=request.user
                ),
            )
        preview = preview_import(roadmap, io.BytesIO(content), options=options, user=request.user)
    except OptionError as exc:
        return _import_page(request, roadmap, error=str(exc), status=400)
    except (UnsafeUpload, WorkbookRejected) as exc:
        return _import_page(request, roadmap, error=exc.message, status=exc.status)
    if not preview.can_apply:
        uploads.discard(ticket, **owner)
        message = _("The roadmap changed since the preview; nothing was imported.")
        return _preview_page(request, roadmap, preview, error=message, status=409)
    try:
        with transaction.atomic():
            # Claimed first: a second request with this ticket waits here for this
            # transaction, then learns that the upload was applied.
            applied = uploads.claim(ticket, roadmap_id=roadmap.pk, by=request.user)
            result = apply_import(roadmap=roadmap, preview=preview, by=request.user)
            remember(roadmap=roadmap, preview=preview, by=request.user)
            applied.created, applied.changed = result["created"], result["changed"]
            applied.save(update_fields=["created", "changed"])
    except uploads.AlreadyApplied as exc:
        return _already_applied(request, roadmap, exc.applied)
    except ImportFailed as exc:
        uploads.discard(ticket, **owner)
        message = _("Nothing was imported: %(error)s") % {"error": exc.message}
        return _preview_page(request, roadmap, preview, error=message, status=409)
    except OperationalError as exc:
        if not is_database_busy(exc):
            raise
        message = _(
            "Nothing was imported: the database is busy with other changes. Try again in a minute."
        )
        return _preview_page(request, roadmap, preview, ticket=ticket, error=message, status=503)
    uploads.discard(ticket, **owner)
    messages.success(request, imported_message(result))
    return redirect(roadmap)
