from django.apps import AppConfig


class PostureConfig(AppConfig):
    name = "accord.posture"
    label = "posture"
