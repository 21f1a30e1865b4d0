from django.urls import path

from accord.acceptances import views

app_name = "acceptances"
urlpatterns = [
    path("", views.acceptance_list, name="list"),
    path("new/", views.new_acceptance, name="new"),
    path("threshold/", views.change_threshold, name="threshold"),
    path("<int:pk>/", views.acceptance_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
