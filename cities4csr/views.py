"""Pages of the project itself: the dashboard, logging in and out, the error pages."""

from __future__ import annotations

import datetime
import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from actions.models import DUE_SOON_DAYS, Action, Roadmap, funding_per_roadmap
from actions.partner_updates import recent_partner_updates
from core import permissions
from core.database import is_database_busy
from meetings.models import Meeting
from stakeholders.models import City

logger = logging.getLogger(__name__)


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page says:
    the site's icon (static/favicon.svg), instead of a 404 in every log."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# The dashboard is a summary: the roadmap's table has the rest, one click away.
DASHBOARD_LIMIT = 20


def _own_cities(queryset, user, prefix: str = ""):
    """Narrow what the user may see to the cities they work for.

    Another city's public roadmap is readable by anybody, but it is not one of
    "my roadmaps": it stays in the roadmaps list, off the dashboard. This only
    narrows what ``visible_to`` already allowed; it grants nothing.
    """
    return queryset.filter(permissions.own_city_filter(user, prefix=prefix))


def _funding_rows(roadmaps, funding) -> list:
    """(roadmap, its totals by currency) for the roadmaps with a cost or a funding line."""
    rows = []
    for roadmap in roadmaps:
        lines = [totals for totals in funding.get(roadmap.pk, ()) if totals.cost or totals.funded]
        if lines:
            rows.append((roadmap, lines))
    return rows


def _count_of_roadmap(condition: Q):
    """How many actions of the outer query's roadmap meet ``condition`` (0 for none)."""
    rows = (
        Action.objects.filter(condition, roadmap=OuterRef("pk"))
        .order_by()
        .values("roadmap")
        # COUNT(*), not of the id, which PostgreSQL's index holds not: the index alone.
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@require_safe
@login_required
def dashboard(request):
    user = request.user
    access = permissions.access_for(user)
    today = timezone.localdate()
    organisation_id = access.organisation_id

    # The counts reuse the querysets' own definitions of overdue and due soon (their
    # conditions), so the dashboard and the table's ?due= filter agree. Each is a
    # count of its roadmap's rows in a subquery, which the database answers from the
    # index action_roadmap_deadline over that roadmap's range (and the overdue and
    # due-soon rows' ranges of deadlines), rather than one join of every row of the
    # roadmap with all the conditions tested on each.
    counts = {
        "action_count": _count_of_roadmap(Q()),
        "overdue_count": _count_of_roadmap(Action.overdue_condition(today)),
        "due_soon_count": _count_of_roadmap(Action.due_soon_condition(today)),
    }
    if organisation_id is not None:
        counts["our_count"] = _count_of_roadmap(
            Action.objects.led_or_partnered_by([organisation_id])
        )
    roadmaps = list(
        _own_cities(Roadmap.objects.visible_to(user), user)
        .select_related("city")
        .annotate(**counts)
        .order_by("city__name", "-period_start", "title")
    )

    # The actions of those roadmaps (the same rows as the actions visible_to the user
    # in their own cities), by the roadmaps' ids rather than a join through roadmap
    # and city: for one roadmap the database then reads the overdue and due-soon lists
    # from the index action_roadmap_deadline in their order, the first rows only,
    # instead of sorting every overdue row of the roadmap to keep 20.
    actions = Action.objects.filter(roadmap_id__in=[r.pk for r in roadmaps])
    # Cost, secured and gap of each roadmap, by currency (two queries).
    funding = funding_per_roadmap(actions)

    def first_rows(queryset):
        return list(
            queryset.select_related("roadmap__city", "lead_partner").order_by(
                "deadline", "roadmap_id", "position"
            )[:DASHBOARD_LIMIT]
        )

    our_actions, more_of_ours = None, False
    if organisation_id is not None:
        # One more than shown, to know whether to point to the rest.
        our_actions = list(
            actions.open()
            .of_organisation(organisation_id)
            .select_related("roadmap__city", "lead_partner")
            .order_by("deadline", "roadmap_id", "position")[: DASHBOARD_LIMIT + 1]
        )
        more_of_ours = len(our_actions) > DASHBOARD_LIMIT
        our_actions = our_actions[:DASHBOARD_LIMIT]

    next_meeting = (
        _own_cities(Meeting.objects.visible_to(user), user, prefix="roadmap__")
        .filter(start__gte=timezone.now())
        .select_related("roadmap__city")
        .order_by("start", "pk")
        .first()
    )
    can_manage_next_meeting = next_meeting is not None and permissions.can_manage_meetings(
        user, next_meeting.roadmap.city_id
    )
    can_plan_meetings = any(permissions.can_manage_meetings(user, r.city_id) for r in roadmaps)

    # What partners changed of their own actions, for the staff of their cities (issue 16).
    partner_updates = None
    if access.is_staff_anywhere:
        partner_updates = recent_partner_updates(user, limit=DASHBOARD_LIMIT)

    context = {
        "access": access,
        "partner_updates": partner_updates,
        # The Action Table's "changed by partners since", a week back.
        "partner_changes_since": today - datetime.timedelta(days=7),
        "has_cities": permissions.works_for_a_city(user),
        "roadmaps": roadmaps,
        "funding": _funding_rows(roadmaps, funding),
        "overdue": first_rows(actions.overdue(today)),
        "overdue_total": sum(r.overdue_count for r in roadmaps),
        "due_soon": first_rows(actions.due_soon(today)),
        "due_soon_total": sum(r.due_soon_count for r in roadmaps),
        "due_soon_days": DUE_SOON_DAYS,
        "our_actions": our_actions,
        "more_of_ours": more_of_ours,
        "next_meeting": next_meeting,
        "can_manage_next_meeting": can_manage_next_meeting,
        "can_plan_meetings": can_plan_meetings,
        "today": today,
    }
    return render(request, "dashboard.html", context)


# --- Logging in and out -------------------------------------------------------


def city_language(user) -> str | None:
    """The working language of the cities the user works for, if they share one."""
    city_ids = permissions.own_city_ids(user)
    if not city_ids:
        return None
    languages = set(City.objects.filter(pk__in=city_ids).values_list("language", flat=True))
    if len(languages) == 1 and (language := languages.pop()) in dict(settings.LANGUAGES):
        return language
    return None


def set_language_cookie(response, language: str) -> None:
    """Set the cookie exactly as Django's set_language view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    """Log in, and open the app in the city's language the first time.

    "Bulgarian first for the Bulgarian cities": a browser asking for English
    still gets Bulgarian for Sofia's staff and partners, until the user picks
    a language with the switch (which sets the cookie this one respects).
    """

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            language = city_language(form.get_user())
            if language:
                set_language_cookie(response, language)
        return response


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as in Django 5) and say so on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been logged out."))
        return response


# --- Error pages ---------------------------------------------------------------
# 403 and 404 use Django's default handlers, which render 403.html and 404.html
# in the site's layout.


@requires_csrf_token
def server_error(request):
    """Render 500.html without a RequestContext, and never fail.

    Whatever broke (the database, a context processor, a missing static file)
    must not break the error page too: if the template cannot be rendered, a
    plain page is sent, still without any detail of the error.
    """
    if is_database_busy(sys.exc_info()[1]):
        return _database_busy()
    try:
        body = loader.get_template("500.html").render()
    except Exception:
        logger.exception("The 500 page could not be rendered")
        body = "<!doctype html><title>Server error (500)</title><h1>Server error (500)</h1>"
    return HttpResponseServerError(body)


# Seconds after which a page refused while the database was busy may be asked again.
BUSY_RETRY_SECONDS = 30


def _database_busy() -> HttpResponse:
    """503 with "try again shortly" for a request that met a busy database (SQLite's
    write lock held too long by another request): nothing of it was saved."""
    try:
        body = loader.get_template("503.html").render()
    except Exception:
        logger.exception("The 503 page could not be rendered")
        body = "<!doctype html><title>Busy (503)</title><h1>Busy (503)</h1>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response
