"""Middleware for the security policy that settings alone cannot say.

- ``InactivityTimeoutMiddleware``: a session ends after ``INACTIVITY_TIMEOUT``
  seconds without a request, and after ``SESSION_COOKIE_AGE`` seconds however
  active it was (the session's expiry alone would slide with every save).
- ``lockout_parameters``: what django-axes locks: a username from one address;
  the whole address only far past that (a city hall behind one NAT).
- ``lockout_response``: the page django-axes shows a locked-out login.
- ``AdminStylesMiddleware``: the Django admin's own templates and scripts write
  inline styles, which the site's Content Security Policy forbids.
- ``AdminMethodsMiddleware``: the admin answers GET, HEAD and POST only.
"""

from __future__ import annotations

import time
from datetime import timedelta

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# Session keys: when the session was first seen signed in, and last used.
STARTED_KEY = "_security_started_at"
LAST_SEEN_KEY = "_security_last_seen_at"
# Write the last-seen time at most this often: a session save per request
# would be a database write per page view.
LAST_SEEN_RESOLUTION = 60


def now() -> float:
    """The current time in seconds; tests travel in time by replacing it."""
    return time.time()


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    """Start both clocks at login, so that the first pages cost no session write."""
    if request is not None and hasattr(request, "session"):
        moment = now()
        request.session[STARTED_KEY] = moment
        request.session[LAST_SEEN_KEY] = moment


class InactivityTimeoutMiddleware:
    """Log out a user who has been idle too long, or signed in too long.

    Runs after the authentication and message middleware: once logged out,
    the request goes on as an anonymous one (so a private page sends the
    visitor to the login page) with a message saying why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        moment = now()
        started = session.get(STARTED_KEY)
        last_seen = session.get(LAST_SEEN_KEY)
        idle_limit = settings.INACTIVITY_TIMEOUT
        if last_seen is not None and moment - last_seen > idle_limit:
            self._end(
                request,
                _("You were logged out after %(minutes)d minutes without activity.")
                % {"minutes": idle_limit // 60},
            )
            return
        if started is not None and moment - started > settings.SESSION_COOKIE_AGE:
            self._end(request, _("Your session has ended. Please log in again."))
            return
        if started is None:
            session[STARTED_KEY] = moment
        if last_seen is None or moment - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_KEY] = moment

    @staticmethod
    def _end(request, message: str) -> None:
        logout(request)
        messages.info(request, message)


# The pair a failure counts against; the address alone as well once it is past
# AXES_ADDRESS_FAILURE_LIMIT.
_PAIR = ["username", "ip_address"]


def address_failures(address: str) -> int:
    """Failed logins from ``address`` within the cool-off, for any username."""
    cool_off = settings.AXES_COOLOFF_TIME or timedelta(0)
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """``AXES_LOCKOUT_PARAMETERS``: lock a username only from the address that failed.

    AXES_FAILURE_LIMIT failures lock that username from that address (anybody
    else, or the same person from elsewhere, still logs in): a stranger cannot
    keep an account locked from everywhere. An address that fails
    AXES_ADDRESS_FAILURE_LIMIT times across usernames (somebody trying many
    accounts) is locked for every username; the limit is high, since a city
    hall's staff share one address behind its NAT. django-axes has one failure
    limit for every parameter, so the address joins the parameters only once
    past its own limit, and is then past axes' limit too.
    """
    address = getattr(request_or_attempt, "axes_ip_address", None)
    if address is None:
        address = getattr(request_or_attempt, "ip_address", None)
    if address is None and hasattr(request_or_attempt, "META"):
        address = get_client_ip_address(request_or_attempt)
    if address and address_failures(address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
        return [_PAIR, "ip_address"]
    return [_PAIR]


def lockout_response(request, original_response=None, credentials=None):
    """The login page's answer to a locked-out username or address: 429, in the
    site's layout and language, saying for how long (``AXES_LOCKOUT_CALLABLE``)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:  # a URLconf without the admin (some tests use one)
        return "/admin/"


class AdminStylesMiddleware:
    """Allow inline styles (never scripts) on the Django admin's pages only.

    Templates we do not own write them: simple_history's history page has a
    ``style`` attribute, and Django's changelist a ``<style>`` block when a
    model admin has no actions. The site's own pages need none. Listed after
    ``csp.middleware.CSPMiddleware`` so that its response passes here first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(_admin_prefix()):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            response._csp_update = update
        return response


ADMIN_METHODS = ("GET", "HEAD", "POST")


class AdminMethodsMiddleware:
    """405 for any method but GET, HEAD and POST under the admin.

    Django's admin views answer PUT, DELETE or TRACE like a GET (and change
    nothing), which tells a scanner more than it needs and is one more way in to
    keep in mind; every admin form is a GET and a POST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ADMIN_METHODS and request.path_info.startswith(_admin_prefix()):
            return HttpResponseNotAllowed(ADMIN_METHODS)
        return self.get_response(request)
