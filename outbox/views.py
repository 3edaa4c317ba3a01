"""The mail settings page and the one-click unsubscribe (which needs no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from stakeholders.models import Person
from stakeholders.services import why_not_contactable

from . import services
from .forms import MailSettingsForm
from .models import Kind


@login_required
@require_http_methods(["GET", "POST"])
def mail_settings(request):
    try:
        person = Person.objects.select_related("organisation__city").get(user=request.user)
    except Person.DoesNotExist:
        person = None
    form = None
    if person is not None:
        preference = services.preference_of(person)
        initial = {
            "kinds": [kind for kind in Kind.values if services.wants(person, kind)],
            "language": preference.language if preference else "",
        }
        form = MailSettingsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.preference_update(
                person=person,
                language=form.cleaned_data["language"],
                unsubscribed=set(Kind.values) - set(form.cleaned_data["kinds"]),
            )
            messages.success(request, _("Your mail settings are saved."))
            return redirect("outbox:settings")
    reason = why_not_contactable(person) if person is not None else None
    return render(
        request, "outbox/settings.html", {"person": person, "form": form, "reason": reason}
    )


# The link in a mail is opened by people who are not logged in, and a mail program's
# one-click unsubscribe (RFC 8058) POSTs without a CSRF token: the signed token is
# what authorises, and all it can do is stop mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        person, kind = services.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        services.unsubscribe(person=person, kind=kind)
    return render(
        request,
        "outbox/unsubscribe.html",
        {"done": done, "kind_name": Kind(kind).label, "token": token},
    )
