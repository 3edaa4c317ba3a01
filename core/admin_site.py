"""The admin site: Django's, with its "view on site" shortcut under the city scoping.

Django's shortcut (``/admin/r/<content type>/<id>/``) redirects to the page of
any object that exists, whoever asks, and so tells another city's staff which
ids exist. Here it first asks the object's registered admin, in one scoped
query, whether the user may see it: if not, 404, as for an id that does not
exist. ``core.apps.CityAdminConfig`` makes it ``admin.site``.

Django's history view looks the object up before it asks whether the user may
use the model at all: an unknown id redirects, an existing one answers 403. Here
every model's history asks the model-level permission first, so that a user
without it meets the same 403 whatever the id.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from core.numbers import whole_number


class CityAdminSite(admin.AdminSite):
    def get_urls(self):
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    str(pattern.pattern), self.admin_view(self.view_on_site), name="view_on_site"
                )
        return urls

    def admin_view(self, view, cacheable=False):
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ == "history_view":
            view = _history_for_model_users(model_admin, view)
        return super().admin_view(view, cacheable)

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to the object's page if the user may see it in the admin, else 404."""
        content_type_pk = whole_number(content_type_id)
        if content_type_pk is None:
            raise Http404
        try:
            model = ContentType.objects.get_for_id(content_type_pk).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)


def _history_for_model_users(model_admin, history_view):
    def view(request, object_id, extra_context=None):
        if not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        return history_view(request, object_id, extra_context)

    return update_wrapper(view, history_view)
