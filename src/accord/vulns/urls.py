from django.urls import path

from accord.vulns import views

app_name = "vulns"
urlpatterns = [
    path("", views.findings, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("export/", views.export_findings, name="export"),
    path("imports/", views.imports, name="imports"),
    path("sla/", views.sla_compliance, name="sla"),
    path("sla/policy/", views.sla_policy, name="sla_policy"),
]
