from django.urls import path

from accord.governance import views

app_name = "governance"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.signoff_detail, name="signoff"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
]
