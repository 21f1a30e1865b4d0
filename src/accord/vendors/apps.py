from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "accord.vendors"
    label = "vendors"

    def ready(self) -> None:
        from accord.vendors.metrics import register_metrics

        register_metrics()
