from django.urls import path

from accord.org import views

app_name = "org"
urlpatterns = [
    path("assets/", views.assets, name="assets"),
    path("assets/new/", views.asset_edit, name="asset_new"),
    path("assets/import/", views.asset_import, name="asset_import"),
    path("assets/<int:pk>/", views.asset_detail, name="asset"),
    path("assets/<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("services/", views.business_services, name="services"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_edit, name="team_new"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_edit, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
]
