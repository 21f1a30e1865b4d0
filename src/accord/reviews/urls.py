from django.urls import path

from accord.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_edit, name="project_new"),
    path("projects/import/", views.project_import, name="project_import"),
    path("projects/export.csv", views.project_export, name="project_export"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="project_edit"),
    path("projects/<slug:slug>/request/", views.request_review, name="request"),
    path("projects/<slug:slug>/gate/", views.gate, name="gate"),
    path("sla/", views.sla, name="sla"),
    path("conditions/<int:pk>/close/", views.condition_close, name="condition_close"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/<str:step>/", views.review_step, name="step"),
]
