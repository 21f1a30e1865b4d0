from django.urls import path

from accord.vendors import views

app_name = "vendors"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.vendor_edit, name="new"),
    path("import/", views.vendor_import, name="import"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("<slug:slug>/", views.vendor_detail, name="vendor"),
    path("<slug:slug>/edit/", views.vendor_edit, name="edit"),
    path("<slug:slug>/tier/", views.vendor_tier, name="tier"),
    path("<slug:slug>/assess/", views.vendor_assess, name="assess"),
    path("<slug:slug>/findings/", views.finding_add, name="finding_add"),
    path("<slug:slug>/<str:kind>/<str:action>/", views.link, name="link"),
]
