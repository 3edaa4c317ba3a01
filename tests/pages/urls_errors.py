"""The real URLconf plus two views that fail, for the error-page tests only."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from cities4csr.urls import handler500
from cities4csr.urls import urlpatterns as real_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("SECRET_TRACE_MARKER: the database said no")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    *real_urlpatterns,
]
