"""Correcting what was recorded of an action's resources, from the action's page:
a pledge changed or removed, a line of its ledger (a delivery) corrected or
removed. Plain pages (they work without JavaScript); every write goes through
the services (actions.services.resource_corrections, pledge_update), which keep
the history and refuse a lost update.

Who may: the roadmap's editors (``get_action_for_editor``); whoever may not see
the roadmap meets a 404, as for an id that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import place_errors
from core.numbers import format_number, whole_number

from .. import services
from ..models import Delivery, Pledge, pledges_with_delivered
from ..resource_forms import DeliveryCorrectionForm, PledgeCorrectionForm
from .common import get_action_for_editor, get_visible, resources_url


def _get_pledge_for_editor(request, pk: int) -> Pledge:
    pledge = get_visible(
        request, Pledge.objects.select_related("organisation"), pk, roadmap="action__roadmap__"
    )
    pledge.action = get_action_for_editor(request, pledge.action_id)
    return pledge


def _get_delivery_for_editor(request, pk: int) -> Delivery:
    delivery = get_visible(
        request,
        Delivery.objects.select_related("pledge__organisation"),
        pk,
        roadmap="pledge__action__roadmap__",
    )
    delivery.pledge.action = get_action_for_editor(request, delivery.pledge.action_id)
    return delivery


def _pledge_url(pledge) -> str:
    return reverse("actions:pledge_edit", args=[pledge.pk])


def _is_conflict(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "conflict"


def _write(request, write, *, form=None, done: str, again: str, message: str):
    """The POST of a correction page: ``write()``, the service (once ``form``, if there is
    one, is valid), which returns the warnings to show, if any.

    Done: the warnings, ``message``, and a redirect to ``done``. A lost update, or a
    refusal with no form to place it on: its message and a redirect to ``again`` (the
    page afresh). Any other refusal goes on ``form``'s fields, and None is returned: the
    page is shown again with them (422).
    """
    if form is not None and not form.is_valid():
        return None
    try:
        warnings = write()
    except ValidationError as error:
        if form is None or _is_conflict(error):
            messages.error(request, " ".join(error.messages))
            return redirect(again)
        place_errors(form, error)
        return None
    for warning in warnings or ():
        messages.warning(request, warning)
    messages.success(request, message)
    return redirect(done)


@require_http_methods(["GET", "POST"])
def pledge_edit(request, pk: int):
    """A pledge's page for its editors: the pledge to correct, and its ledger."""
    pledge = _get_pledge_for_editor(request, pk)
    action = pledge.action
    status = 200
    if request.method == "POST":
        form = PledgeCorrectionForm(request.POST, instance=pledge, roadmap=action.roadmap)

        def save():
            services.pledge_update(
                pledge=pledge,
                data=form.service_data(),
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )

        response = _write(
            request,
            save,
            form=form,
            done=resources_url(action),
            again=_pledge_url(pledge),
            message=_("Pledge saved."),
        )
        if response is not None:
            return response
        status = 422
    else:
        form = PledgeCorrectionForm(instance=pledge, roadmap=action.roadmap)
    delivered = pledges_with_delivered(Pledge.objects.filter(pk=pledge.pk)).get().delivered
    return render(
        request,
        "actions/pledge_correction.html",
        {
            "action": action,
            "pledge": pledge,
            "form": form,
            "delivered": delivered,
            "deliveries": list(pledge.deliveries.order_by("date", "pk")),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def pledge_delete(request, pk: int):
    pledge = _get_pledge_for_editor(request, pk)
    if request.method == "POST":
        return _write(
            request,
            lambda: services.pledge_delete(
                pledge=pledge,
                by=request.user,
                expected_version=whole_number(request.POST.get("version")),
            ),
            done=resources_url(pledge.action),
            again=_pledge_url(pledge),
            message=_("Pledge removed. Its history keeps what it was."),
        )
    return render(
        request,
        "actions/resource_confirm_delete.html",
        {
            "action": pledge.action,
            "heading": _("Remove pledge"),
            "question": _("Remove the pledge of %(organisation)s: %(pledge)s?")
            % {
                "organisation": pledge.organisation.name,
                "pledge": pledge.amount_text(),
            },
            "version": pledge.version,
            "cancel_url": _pledge_url(pledge),
        },
    )


@require_http_methods(["GET", "POST"])
def delivery_edit(request, pk: int):
    """A line of a pledge's ledger, corrected by the roadmap's editors."""
    delivery = _get_delivery_for_editor(request, pk)
    pledge = delivery.pledge
    status = 200
    if request.method == "POST":
        form = DeliveryCorrectionForm(request.POST, instance=delivery)
        response = _write(
            request,
            lambda: (
                services.delivery_update(
                    delivery=delivery,
                    data=form.service_data(),
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                ).warnings
            ),
            form=form,
            done=_pledge_url(pledge),
            again=reverse("actions:delivery_edit", args=[delivery.pk]),
            message=_("Delivery saved."),
        )
        if response is not None:
            return response
        status = 422
    else:
        form = DeliveryCorrectionForm(instance=delivery)
    return render(
        request,
        "actions/delivery_correction.html",
        {"action": pledge.action, "pledge": pledge, "delivery": delivery, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def delivery_delete(request, pk: int):
    delivery = _get_delivery_for_editor(request, pk)
    pledge = delivery.pledge
    if request.method == "POST":
        return _write(
            request,
            lambda: services.delivery_delete(
                delivery=delivery,
                by=request.user,
                expected_version=whole_number(request.POST.get("version")),
            ),
            done=_pledge_url(pledge),
            again=reverse("actions:delivery_delete", args=[delivery.pk]),
            message=_("Delivery removed. Its history keeps what it was."),
        )
    return render(
        request,
        "actions/resource_confirm_delete.html",
        {
            "action": pledge.action,
            "heading": _("Remove delivery"),
            "question": _("Remove the delivery of %(amount)s %(unit)s recorded for %(date)s?")
            % {
                "amount": format_number(delivery.amount),
                "unit": pledge.get_unit_display(),
                "date": formats.date_format(delivery.date, "SHORT_DATE_FORMAT"),
            },
            "version": delivery.version,
            "cancel_url": _pledge_url(pledge),
        },
    )
