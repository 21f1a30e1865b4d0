from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "accord.packs"
    label = "packs"

    def ready(self) -> None:
        # The built-in sections of the board pack register themselves (other apps add theirs the same way).
        from accord.packs.sections import decisions, incidents, portfolio, risks, scorecard  # noqa: F401
