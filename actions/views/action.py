"""One Action Table row: its page, the row edited in place (htmx) or on its own
page, added and moved. Its indicators are indicators.py's, its removal and
restore removal.py's. Every write goes through actions.services."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import permissions, unsaved
from core.forms import place_errors
from core.htmx import current_page, is_htmx, vary_on_htmx
from core.numbers import format_number, whole_number

from .. import services
from ..forms import ActionForm
from ..history import history_for_reader, person_name
from ..models import Action, ActionResources, Challenge, annotate_funding
from . import partner
from .common import (
    get_action_for_editor,
    get_action_for_updater,
    get_action_for_user,
    get_roadmap_for_editor,
)
from .indicators import indicator_items, new_indicators
from .table import (
    give_row_flash,
    resource_totals_summary,
    roadmap_summary,
    table_actions,
    table_context,
    unsaved_notice,
)
from .table_pages import PAGE_PARAM, challenge_bounds, mark_moves, page_of
from .table_rows import TableRows


def _table_row(action_pk: int) -> Action:
    return Action.objects.for_table().get(pk=action_pk)


def page_url(action: Action) -> str:
    """The table at the page of the whole table that holds ``action``."""
    page = page_of(Action.objects.filter(roadmap_id=action.roadmap_id), action)
    query = f"?{PAGE_PARAM}={page}" if page > 1 else ""
    return f"{action.roadmap.get_absolute_url()}{query}"


def row_url(action: Action) -> str:
    """The table at the row of ``action``, on its page."""
    return f"{page_url(action)}#action-{action.pk}"


def _conflict_rows(form, current: Action) -> list[tuple[str, str, str]]:
    """(label, their saved value, your unsaved value) for each field that differs."""
    rows = []
    for name in services.EDITABLE_FIELDS:
        if name not in form.fields:
            continue  # not in a partner's form
        theirs = current.key_partners.all() if name == "key_partners" else getattr(current, name)
        theirs_text = _display(form.fields[name], theirs)
        yours_text = _display(form.fields[name], form.cleaned_data.get(name))
        if theirs_text != yours_text:
            rows.append((str(form.fields[name].label), theirs_text, yours_text))
    return rows


def _display(field, value) -> str:
    """A value as the user reads it, so that theirs and yours compare as text."""
    if hasattr(value, "all"):
        value = sorted(str(item) for item in value.all())
        return ", ".join(value) or "—"
    if value in (None, ""):
        return "—"
    choices = dict(getattr(field, "choices", ()) or ())
    if not hasattr(field, "queryset") and value in choices:
        return str(choices[value])
    if isinstance(value, Decimal):
        return format_number(value)
    return str(formats.localize(value))


def _render_form(
    request,
    form,
    action,
    *,
    status=200,
    conflict=None,
    new_challenge=None,
    unsaved_notice="",
    extra=None,
):
    context = {
        "form": form,
        "action": action,
        "roadmap": form.roadmap,
        "conflict": conflict,
        "new_challenge": new_challenge,
        "columns": 7,
        "unsaved_notice": unsaved_notice,
        **(extra or {}),
    }
    # The in-place row form edits a saved row; a new action is added on its own page
    # (the table has no row for it to replace), whoever asks.
    in_place = is_htmx(request) and action is not None
    template = "actions/_action_row_form.html" if in_place else "actions/action_form.html"
    return vary_on_htmx(render(request, template, context, status=status))


def _render_conflict(request, form, action, conflict, *, make_form):
    """The row's form again (409): the user's input, now over the current version
    (``make_form(data)``), and what differs between theirs and the saved one."""
    # Keep the user's input; offer to save it over the current version.
    data = request.POST.copy()
    data["version"] = conflict.current.version
    retry = make_form(data)
    retry.is_valid()
    # Who saved it, as the action's history names them to this reader.
    who = person_name(
        conflict.current.changed_by,
        can_see_people=permissions.can_see_people(request.user, action.roadmap.city_id),
    )
    return _render_form(
        request,
        retry,
        action,
        status=409,
        conflict={
            "current": conflict.current,
            "who": who,
            "rows": _conflict_rows(form, conflict.current),
        },
    )


def _render_row(request, action: Action, *, flash: str = ""):
    """The action's row, read and built as the table page reads and builds its rows.

    With ``flash`` (after a save) the row says it, and the counts above the table and
    the page's live region come along out of band (templates/actions/_action_row_saved.html).
    """
    today = timezone.localdate()
    presenter = TableRows(today)
    (row,) = presenter.rows(table_actions(Action.objects.filter(pk=action.pk)))
    bounds = challenge_bounds(action.roadmap_id, row.challenge_id)
    mark_moves([row], bounds, sorted_=_is_sorted(request))
    row.flash = flash
    can_edit = permissions.can_edit_roadmap(request.user, action.roadmap)
    # Who sees the row at all may update it (action_row, action_edit): staff or a partner.
    row.can_update = not can_edit
    context = {
        "row": row,
        "row_labels": presenter.labels,
        "can_edit": can_edit,
        "today": today,
    }
    if flash:
        context.update(
            **roadmap_summary(action.roadmap),
            **resource_totals_summary(request, action.roadmap, page_query(request)),
            oob=True,
            flash={"text": flash},
        )
        return vary_on_htmx(render(request, "actions/_action_row_saved.html", context))
    return vary_on_htmx(render(request, "actions/_action_row.html", context))


def page_query(request) -> QueryDict:
    """The filter and sort of the table page an htmx request came from."""
    page = current_page(request)
    return QueryDict(page.split("?", 1)[1] if "?" in page else "")


def _is_sorted(request) -> bool:
    return bool(page_query(request).get("sort")) if is_htmx(request) else False


@require_safe
def action_detail(request, pk: int):
    action = get_action_for_user(request, pk)
    action = annotate_funding(
        Action.objects.for_table().select_related("created_by", "changed_by")
    ).get(pk=action.pk)
    resources = ActionResources.of(action)
    # Fully pledged resources count for "tangible and measurable".
    action.resources_fully_pledged = resources.fully_pledged
    can_see_people = permissions.can_see_people(request.user, action.roadmap.city_id)
    can_edit = permissions.can_edit_roadmap(request.user, action.roadmap)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "roadmap": action.roadmap,
            "can_edit": can_edit,
            # One of its partners: status, progress, indicators' values, own pledges.
            "can_update": not can_edit and permissions.can_update_action(request.user, action),
            **partner.resource_forms(request, action, resources.pledges, staff=can_edit),
            "can_see_people": can_see_people,
            "history": history_for_reader(action, can_see_people=can_see_people),
            "resources": resources,
            # The organisations whose statement of pledges this user may download.
            "statement_organisations": {
                pledge.organisation_id
                for pledge in resources.pledges
                if permissions.can_read_partner_statement(
                    request.user, action.roadmap, pledge.organisation_id
                )
            },
            "today": timezone.localdate(),
        },
    )


@require_safe
def action_row(request, pk: int):
    """The row as shown in the table: what "cancel" swaps back in."""
    action = get_action_for_updater(request, pk)
    return _render_row(request, action)


@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = get_action_for_updater(request, pk)
    roadmap = action.roadmap
    if not permissions.can_edit_roadmap(request.user, roadmap):
        # One of the action's partners: its status, progress and indicators' values.
        return partner.partner_edit(
            request,
            action,
            render_form=_render_form,
            render_conflict=_render_conflict,
            row_saved=_row_saved,
        )
    if request.method == "GET":
        kept = unsaved.take(request, request.path)
        if kept is not None:
            # Sent when the session had ended: what was typed, back in the form.
            form = ActionForm(kept, instance=action, roadmap=roadmap)
            form.is_valid()
            return _render_form(request, form, action, unsaved_notice=unsaved_notice())
        form = ActionForm(instance=_table_row(action.pk), roadmap=roadmap)
        return _render_form(request, form, action)

    form = ActionForm(request.POST, instance=action, roadmap=roadmap)
    if not form.is_valid():
        return _render_form(request, form, action, status=422)
    try:
        saved = services.action_update(
            action=action,
            data=form.action_data(),
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.ActionConflict as conflict:
        return _render_conflict(
            request,
            form,
            action,
            conflict,
            make_form=lambda data: ActionForm(
                data, instance=Action(pk=action.pk, roadmap=roadmap), roadmap=roadmap
            ),
        )
    except ValidationError as exc:
        place_errors(form, exc)
        return _render_form(request, form, action, status=422)
    return _row_saved(request, saved)


def _row_saved(request, saved: Action):
    """The row saved: swapped in place (htmx), or the table with the row highlighted."""
    if is_htmx(request):
        return _render_row(request, saved, flash=_("Saved"))
    give_row_flash(request, saved, _("Saved"))
    return redirect(row_url(saved))


@require_http_methods(["GET", "POST"])
def action_create(request, roadmap_pk: int):
    roadmap = get_roadmap_for_editor(request, roadmap_pk)
    # Only preselects the challenge: an id that is not one of this roadmap's is ignored.
    challenge_id = whole_number(request.GET.get("challenge"))
    challenge = None
    if challenge_id is not None:
        challenge = roadmap.challenges.filter(pk=challenge_id).first()
    if request.method == "GET":
        form = ActionForm(
            roadmap=roadmap,
            initial={"challenge": challenge, "status": Action.Status.PROPOSED, "progress": 0},
        )
        return _render_form(
            request, form, None, new_challenge=challenge, extra={"indicators": new_indicators()}
        )
    form = ActionForm(request.POST, roadmap=roadmap)
    indicators = new_indicators(request.POST)
    if form.is_valid() and (not indicators.is_bound or indicators.is_valid()):
        try:
            created = services.action_create(
                roadmap=roadmap,
                data=form.action_data(),
                by=request.user,
                indicators=indicator_items(indicators, new=True) if indicators.is_bound else (),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "indicators" in exc.error_dict:
                indicators._non_form_errors = indicators.error_class(
                    exc.message_dict.pop("indicators")
                )
                exc = ValidationError(exc.message_dict) if exc.message_dict else None
            if exc is not None:
                place_errors(form, exc)
        else:
            give_row_flash(request, created, _("Added: %(title)s") % {"title": created.title})
            return redirect(row_url(created))
    return _render_form(
        request,
        form,
        None,
        status=422,
        new_challenge=challenge,
        extra={"indicators": indicators},
    )


@require_POST
def action_move(request, pk: int):
    action = get_action_for_editor(request, pk)
    direction = request.POST.get("direction")
    challenge = None
    if request.POST.get("challenge"):
        challenge_id = whole_number(request.POST["challenge"])
        challenge = (
            None
            if challenge_id is None
            else Challenge.objects.filter(pk=challenge_id, roadmap=action.roadmap).first()
        )
        if challenge is None:
            raise Http404
    try:
        moved = services.action_move(
            action=action, by=request.user, direction=direction, challenge=challenge
        )
    except ValidationError as exc:
        if is_htmx(request):
            return HttpResponseBadRequest(" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
        return redirect(row_url(action))
    text = _("Moved up") if direction == "up" else _("Moved down")
    if challenge is not None:
        text = _("Moved to another challenge")
    flash = {"pk": moved.pk, "text": str(text), "button": direction or ""}
    if is_htmx(request):
        # The whole table again, in the order, filter and sort of the page it was moved
        # on, at the page that now holds the row (a move can take it across pages).
        context = table_context(
            request, action.roadmap, query=page_query(request), flash=flash, show_row=moved
        )
        response = render(request, "actions/_action_table_moved.html", context)
        response["HX-Replace-Url"] = context["page_url"]
        return vary_on_htmx(response)
    give_row_flash(request, moved, text, button=direction or "")
    return redirect(row_url(moved))
