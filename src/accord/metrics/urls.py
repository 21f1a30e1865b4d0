from django.urls import path

from accord.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("metrics/<slug:key>/", views.metric_detail, name="metric"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("partnership/", views.partnership_home, name="partnership_home"),
    path("partnership/<str:quarter>/", views.partnership, name="partnership"),
]
