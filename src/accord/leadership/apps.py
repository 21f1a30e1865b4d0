from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "accord.leadership"
    label = "leadership"
