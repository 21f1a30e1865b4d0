from django.urls import path

from accord.core import views

app_name = "core"
urlpatterns = [
    path("areas/<slug:key>/", views.area, name="area"),
    path("audit/", views.audit_trail, name="audit"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
]
