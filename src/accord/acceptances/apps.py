from django.apps import AppConfig


class AcceptancesConfig(AppConfig):
    name = "accord.acceptances"
    label = "acceptances"

    def ready(self) -> None:
        from accord.governance.kinds import register

        register("risk_acceptance", "Risk acceptance (one leader; the CIO and the CISO at or above the threshold)",
                 read="steering.read", act="risk.accept", requester_answers=False)
