from django.apps import AppConfig


class PostureConfig(AppConfig):
    name = "accord.posture"
    label = "posture"

    def ready(self) -> None:
        # The scorecard's CSF gaps and the board pack's posture page register themselves.
        from accord.posture import pack  # noqa: F401
        from accord.posture.metrics import register_metrics

        register_metrics()
