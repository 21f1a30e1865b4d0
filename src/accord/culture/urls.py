from django.urls import path

from accord.culture import views

app_name = "culture"
urlpatterns = [
    path("", views.home, name="home"),
    path("champions/", views.champions, name="champions"),
    path("champions/new/", views.champion_new, name="champion_new"),
    path("champions/teams/", views.programme_team, name="programme_team"),
    path("champions/<int:pk>/", views.champion_detail, name="champion"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_edit, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("stakeholders/", views.stakeholders, name="stakeholders"),
    path("stakeholders/new/", views.stakeholder_edit, name="stakeholder_new"),
    path("stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
]
