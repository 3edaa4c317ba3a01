from django.contrib.auth.views import redirect_to_login


class LoginNeeded(Exception):
    """Raised where an anonymous visitor asks for something only users may see."""


class LoginNeededMiddleware:
    """Send anonymous visitors to the login page instead of a 404.

    Signed-in users of another city still get the 404, so that nothing shows
    them another city's private objects exist.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginNeeded):
            return redirect_to_login(request.get_full_path())
        return None
