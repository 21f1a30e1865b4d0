from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "accord.desk"
    label = "desk"
    verbose_name = "The desk: each role's first screen"
