from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cities4csr import views

# The admin under the app's name, in the reader's language (not "Django administration").
admin.site.site_header = _("CSR Action Table: administration")
admin.site.site_title = _("CSR Action Table")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("actions.urls")),
    path("", include("meetings.urls")),
    path("", include("outbox.urls")),
    path("", include("notifications.urls")),
    path("", include("jobs.urls")),
]

# 403 and 404 keep Django's handlers (they render 403.html and 404.html); the 500
# page must render even when what broke is the database or a context processor.
handler500 = "cities4csr.views.server_error"
