from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control

from . import htmx, unsaved


class LoginNeeded(Exception):
    """Raised where an anonymous visitor asks for something only users may see."""


class LoginNeededMiddleware:
    """Send anonymous visitors to the login page instead of a 404.

    Signed-in users of another city still get the 404, so that nothing shows
    them another city's private objects exist.

    An htmx request (a row being edited when the session timed out, say) gets
    the login page as a whole page, coming back to the page it was sent from
    rather than to the fragment's URL. This covers ``login_required`` too.
    What a POST carried is kept for after the login (core.unsaved), so that the
    form it came from shows it again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_login_redirect(response):
            unsaved.keep(request)
            htmx.vary_on_htmx(response)
            if htmx.is_htmx(request):
                return htmx.vary_on_htmx(
                    htmx.redirect(redirect_to_login(htmx.current_page(request))["Location"])
                )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, LoginNeeded):
            return redirect_to_login(request.get_full_path())
        return None


def _is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308) or not response.has_header("Location"):
        return False
    return urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on whatever a signed-in user is sent.

    A page, workbook, minutes or calendar answered to a signed-in user holds what
    their role may read (people's names, a partners-only roadmap): no shared cache
    may keep it, nor the browser's disk after the session ends. What an anonymous
    visitor gets (the login page, a public roadmap) is public and left as the view
    made it; static files never reach this (whitenoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
