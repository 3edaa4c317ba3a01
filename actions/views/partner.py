"""What a partner updates of the actions its organisation leads or partners
(issue 16): the row's status, progress and indicators' current values, in place
as the staff edit the whole row; its own organisation's pledges and deliveries.

Who may send what is ``core.permissions``'; a partner posting a field its form
does not have is refused (403), never silently dropped. Every save goes through
``actions.services``, so history names the person and a lost update is refused.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import permissions, unsaved
from core.forms import place_errors
from core.htmx import vary_on_htmx

from .. import services
from ..models import Action, Pledge
from ..partner_forms import DeliveryForm, PartnerActionForm, PledgeForm, posted_names
from .common import get_action_for_user, get_visible, refuse_change, resources_url
from .table import unsaved_notice


def refuse_other_fields(request, form) -> None:
    """403 when the POST carries a field ``form`` does not have."""
    if set(request.POST) - posted_names(form):
        raise PermissionDenied(_("You may not change these fields of this action."))


def partner_form(action: Action, data=None) -> PartnerActionForm:
    """The row's form for one of the action's partners."""
    return PartnerActionForm(
        data, instance=action, roadmap=action.roadmap, indicators=action.indicators.all()
    )


def partner_edit(request, action: Action, *, render_form, render_conflict, row_saved):
    """The row of ``action`` in edit for one of its partners (``action_edit`` calls
    it with its own ways of showing the form, the row and a conflict)."""
    if request.method == "GET":
        kept = unsaved.take(request, request.path)
        if kept is not None:
            # Sent when the session had ended: what was typed, back in the form.
            form = partner_form(action, kept)
            form.is_valid()
            return render_form(
                request,
                form,
                action,
                unsaved_notice=unsaved_notice(),
            )
        return render_form(request, partner_form(action), action)
    form = partner_form(action, request.POST)
    refuse_other_fields(request, form)
    if not form.is_valid():
        return render_form(request, form, action, status=422)
    try:
        with transaction.atomic():
            saved = services.action_update(
                action=action,
                data=form.action_data(),
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
            items = form.indicator_items()
            if items:
                saved = services.action_indicators_update(
                    action=saved, indicators=items, by=request.user, expected_version=saved.version
                )
    except services.ActionConflict as conflict:
        return render_conflict(
            request, form, action, conflict, make_form=lambda data: partner_form(action, data)
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return render_form(request, form, action, status=422)
    return row_saved(request, saved)


def resource_forms(request, action: Action, pledges, *, staff: bool) -> dict:
    """The forms the action page's Resources section offers the user: a new pledge
    (for a partner, of its own organisation), and a delivery against each pledge
    the user records deliveries against (``pledge.delivery_form``)."""
    user = request.user
    own = None if staff else permissions.partner_organisation_id(user)
    pledge_form = None
    if staff or permissions.can_add_pledge(user, action, own):
        organisations = action.roadmap.eligible_partners().order_by("name") if staff else None
        pledge_form = PledgeForm(action=action, organisations=organisations)
    for pledge in pledges:
        if staff or permissions.can_record_delivery(user, action, pledge):
            pledge.delivery_form = DeliveryForm(pledge=pledge)
    return {"pledge_form": pledge_form}


def _render_resource_form(request, template_context: dict, *, status: int = 200):
    return vary_on_htmx(
        render(request, "actions/resource_form.html", template_context, status=status)
    )


@require_http_methods(["GET", "POST"])
def pledge_create(request, pk: int):
    """Add a pledge to an action: its staff for any organisation of the roadmap,
    its partners for their own organisation."""
    action = get_action_for_user(request, pk)
    staff = permissions.can_edit_roadmap(request.user, action.roadmap)
    own = None if staff else permissions.partner_organisation_id(request.user)
    if not staff and not permissions.can_add_pledge(request.user, action, own):
        refuse_change(request)
    organisations = action.roadmap.eligible_partners().order_by("name") if staff else None
    instance = Pledge(action=action, organisation_id=own)
    form = PledgeForm(
        request.POST if request.method == "POST" else None,
        action=action,
        organisations=organisations,
        instance=instance,
    )
    context = {"action": action, "roadmap": action.roadmap, "form": form, "what": "pledge"}
    if request.method == "GET":
        return _render_resource_form(request, context)
    if not staff:
        refuse_other_fields(request, form)
    if not form.is_valid():
        return _render_resource_form(request, context, status=422)
    data = form.pledge_data()
    if not staff:
        data["organisation"] = own
    try:
        services.pledge_create(action=action, data=data, by=request.user)
    except ValidationError as exc:
        place_errors(form, exc)
        return _render_resource_form(request, context, status=422)
    messages.success(request, _("Pledge recorded."))
    return redirect(resources_url(action))


@require_http_methods(["GET", "POST"])
def delivery_create(request, pk: int):
    """Record a delivery against a pledge: the action's staff, and the partners of
    the organisation that pledged it."""
    # Another city's private pledge answers as an unknown one.
    pledge = get_visible(
        request,
        Pledge.objects.select_related("organisation", "action__roadmap__city"),
        pk,
        roadmap="action__roadmap__",
    )
    action = pledge.action
    if not permissions.can_record_delivery(request.user, action, pledge):
        refuse_change(request)
    form = DeliveryForm(request.POST if request.method == "POST" else None, pledge=pledge)
    context = {
        "action": action,
        "roadmap": action.roadmap,
        "form": form,
        "pledge": pledge,
        "what": "delivery",
    }
    if request.method == "GET":
        return _render_resource_form(request, context)
    if not permissions.can_edit_roadmap(request.user, action.roadmap):
        refuse_other_fields(request, form)
    if not form.is_valid():
        return _render_resource_form(request, context, status=422)
    try:
        recorded = services.delivery_record(
            pledge=pledge, data=form.delivery_data(), by=request.user
        )
    except ValidationError as exc:
        place_errors(form, exc)
        return _render_resource_form(request, context, status=422)
    for warning in recorded.warnings:
        messages.warning(request, warning)
    if not recorded.warnings:
        messages.success(request, _("Delivery recorded."))
    return redirect(resources_url(action))
