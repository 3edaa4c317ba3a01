"""The little of htmx that the views need."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def vary_on_htmx(response):
    """A page and its htmx fragment share a URL: caches must keep them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def current_page(request) -> str:
    """The path (and query) of the page an htmx request was sent from.

    htmx names it in ``HX-Current-URL``; without it, or when it names another
    site, the request's own path stands in.
    """
    parts = urlsplit(request.headers.get("HX-Current-URL", ""))
    if parts.path.startswith("/") and parts.netloc in ("", request.get_host()):
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return request.get_full_path()


def redirect(url: str) -> HttpResponse:
    """Make htmx load ``url`` as a whole page.

    A 302 would be followed by the browser's XMLHttpRequest, and the page it
    leads to swapped into the row. 204: if the header were ignored, nothing is
    swapped either.
    """
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response
