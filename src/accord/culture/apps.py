from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "accord.culture"
    label = "culture"

    def ready(self) -> None:
        from accord.culture.metrics import register_culture_metrics

        register_culture_metrics()
