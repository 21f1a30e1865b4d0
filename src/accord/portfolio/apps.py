from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "accord.portfolio"
    label = "portfolio"
