from django.urls import path

from accord.notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_read, name="mark_read"),
    path("inbox/settings/", views.preferences, name="preferences"),
    path("settings/webhooks/", views.webhooks, name="webhooks"),
    path("settings/webhooks/<int:pk>/remove/", views.remove_webhook, name="remove_webhook"),
]
