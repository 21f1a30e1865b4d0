from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "accord.metrics"
    label = "metrics"

    def ready(self) -> None:
        from accord.governance.kinds import register
        from accord.metrics.definitions import register_builtin

        register("kri_thresholds", "KRI thresholds (one leader proposes, the other agrees)",
                 read="scorecard.read", act="scorecard.write")
        register_builtin()
