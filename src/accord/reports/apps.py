from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Optional: the reports module works without being installed (it finds its own templates)."""

    name = "accord.reports"
    label = "reports"
