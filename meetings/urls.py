from django.urls import path

from . import views

app_name = "meetings"

# Included at the site root: the roadmap feed lives under /roadmaps/ beside the table.
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_minutes, name="minutes"),
    path("meetings/<int:pk>.ics", views.meeting_ics, name="ics"),
    path("roadmaps/<int:pk>/meetings.ics", views.roadmap_meetings_ics, name="roadmap_ics"),
]
