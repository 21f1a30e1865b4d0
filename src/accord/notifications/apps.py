from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "accord.notifications"
    label = "notifications"
    verbose_name = "Notifications: inbox, email and webhooks"
