from django.urls import path

from accord.packs import views

app_name = "packs"
urlpatterns = [
    path("", views.home, name="home"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/board-pack.pdf", views.pdf, name="pdf"),
]
