"""The little of htmx that the views need."""

from django.utils.cache import patch_vary_headers


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def vary_on_htmx(response):
    """A page and its htmx fragment share a URL: caches must keep them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response
