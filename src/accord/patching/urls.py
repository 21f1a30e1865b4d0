from django.urls import path

from accord.patching import views

app_name = "patching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/", views.plans, name="plans"),
    path("plans/generate/", views.generate, name="generate"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/jobs/<int:item_id>/", views.job_detail, name="job"),
    path("plans/<int:pk>/emergencies/<str:decision>/", views.decide_emergency_group, name="decide_group"),
    path("plans/<int:pk>/choose/", views.choose, name="choose"),
    path("plans/<int:pk>/sign/", views.sign, name="sign"),
    path("plans/<int:pk>/void/", views.void, name="void"),
    path("plans/<int:pk>/tickets.csv", views.tickets, name="tickets"),
    path("plans/<int:pk>/calendar.zip", views.ics, name="ics_all"),
    path("plans/<int:pk>/ics/<str:name>", views.ics, name="ics"),
    path("emergencies/<int:pk>/<str:decision>/", views.decide_emergency, name="decide_emergency"),
    path("assumptions/", views.assumptions, name="assumptions"),
    path("windows/", views.windows, name="windows"),
    path("windows/new/", views.window_edit, name="window_new"),
    path("windows/<int:pk>/edit/", views.window_edit, name="window_edit"),
    path("freezes/new/", views.freeze_edit, name="freeze_new"),
    path("freezes/<int:pk>/edit/", views.freeze_edit, name="freeze_edit"),
    path("clusters/new/", views.cluster_edit, name="cluster_new"),
    path("clusters/<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
    path("<str:kind>/<int:pk>/delete/", views.delete, name="delete"),
]
