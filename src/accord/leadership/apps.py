from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "accord.leadership"
    label = "leadership"

    def ready(self) -> None:
        from accord.governance.kinds import register
        from accord.leadership.scorecard import register_metrics

        register("radar_stance", "Technology radar stance (one leader proposes, the other agrees)",
                 read="leadership.read", act="leadership.write")
        register_metrics()
