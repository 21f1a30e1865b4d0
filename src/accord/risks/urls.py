from django.urls import path

from accord.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.scenario_edit, name="scenario_new"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/simulate/", views.portfolio_simulate, name="portfolio_simulate"),
    path("simulate-all/", views.simulate_all, name="simulate_all"),
    path("settings/", views.settings_edit, name="settings"),
    path("import/", views.import_file, name="import"),
    path("export/", views.export_file, name="export"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("scenarios/<slug:slug>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<slug:slug>/simulate/", views.scenario_simulate, name="scenario_simulate"),
    path("scenarios/<slug:slug>/controls/new/", views.control_edit, name="control_new"),
    path("scenarios/<slug:slug>/controls/<int:pk>/edit/", views.control_edit, name="control_edit"),
    path("scenarios/<slug:slug>/controls/<int:pk>/remove/", views.control_remove, name="control_remove"),
]
