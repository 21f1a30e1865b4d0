from django.apps import AppConfig


class AcceptancesConfig(AppConfig):
    name = "accord.acceptances"
    label = "acceptances"
