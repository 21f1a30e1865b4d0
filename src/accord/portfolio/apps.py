from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "accord.portfolio"
    label = "portfolio"

    def ready(self) -> None:
        from accord.governance.kinds import register

        register("portfolio_selection", "Portfolio selection (CIO or CISO; both above the amount)",
                 read="portfolio.read", act="portfolio.decide")
