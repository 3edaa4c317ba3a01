from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("follow/action/<int:pk>/", views.follow_action, name="follow_action"),
    path("follow/roadmap/<int:pk>/", views.follow_roadmap, name="follow_roadmap"),
]
