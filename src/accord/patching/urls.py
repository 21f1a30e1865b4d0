from django.urls import path  # noqa: F401 - patterns are added with the app's pages

app_name = "patching"
urlpatterns: list = []
