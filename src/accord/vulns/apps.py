from django.apps import AppConfig


class VulnsConfig(AppConfig):
    name = "accord.vulns"
    label = "vulns"
