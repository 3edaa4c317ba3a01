from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("mail/settings/", views.mail_settings, name="settings"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
