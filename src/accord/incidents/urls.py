from django.urls import path

from accord.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.open_incident, name="new"),
    path("settings/", views.settings_page, name="settings"),
    path("exercises/<slug:key>/start/", views.start_exercise, name="start_exercise"),
    path("actions/<int:pk>/close/", views.close_action, name="close_action"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/phase/", views.phase, name="phase"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("<int:pk>/regulator/", views.regulator, name="regulator"),
    path("<int:pk>/decisions/", views.decision, name="decision"),
    path("<int:pk>/update/", views.write_update, name="update"),
    path("<int:pk>/briefing/", views.briefing, name="briefing"),
    path("<int:pk>/briefing.txt", views.briefing_text, name="briefing_text"),
    path("<int:pk>/briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("<int:pk>/review/", views.review, name="review"),
]
