"""An action's indicators: the page that edits them all at once, and the
indicators of a new row as the services take them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.numbers import whole_number

from .. import services
from ..forms import IndicatorFormSet
from ..models import Action
from .common import get_action_for_editor


def indicator_items(formset, *, new: bool = False) -> list[dict]:
    """The indicators of a valid formset as the services take them: changed or
    existing ones (``id``, ``delete``); for a new row, only those filled in."""
    items = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        values = {name: form.cleaned_data.get(name) for name in form._meta.fields}
        values["source"] = values["source"] or ""
        values["unit"] = values["unit"] or ""
        if new:
            if not form.cleaned_data.get("DELETE"):
                items.append(values)
            continue
        if form.instance.pk:
            values["id"] = form.instance.pk
        values["delete"] = bool(form.cleaned_data.get("DELETE"))
        items.append(values)
    return items


def new_indicators(data=None) -> IndicatorFormSet:
    """The add form's indicators; a POST without them (an older form, a script)
    adds the row without indicators."""
    if data is not None and "indicators-TOTAL_FORMS" not in data:
        data = None
    return IndicatorFormSet(data, instance=Action(), prefix="indicators")


@require_http_methods(["GET", "POST"])
def action_indicators(request, pk: int):
    action = get_action_for_editor(request, pk)
    if request.method == "POST":
        formset = IndicatorFormSet(request.POST, instance=action, prefix="indicators")
        expected_version = whole_number(request.POST.get("version"))
        if formset.is_valid() and expected_version is not None:
            items = indicator_items(formset)
            try:
                services.action_indicators_update(
                    action=action,
                    indicators=items,
                    by=request.user,
                    expected_version=expected_version,
                )
            except services.ActionConflict:
                messages.error(
                    request,
                    _(
                        "Somebody changed this action since you opened it; its indicators are shown as they are now."
                    ),
                )
                return redirect(reverse("actions:action_indicators", args=[action.pk]))
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, _("Indicators saved."))
                return redirect(action)
        else:
            formset._non_form_errors = formset.error_class(
                [
                    *formset.non_form_errors(),
                    *(
                        []
                        if expected_version is not None
                        else [_("The form is missing the row's version.")]
                    ),
                ]
            )
        version = action.version if expected_version is None else expected_version
        status = 422
    else:
        formset = IndicatorFormSet(instance=action, prefix="indicators")
        version, status = action.version, 200
    return render(
        request,
        "actions/action_indicators.html",
        {"action": action, "formset": formset, "version": version},
        status=status,
    )
