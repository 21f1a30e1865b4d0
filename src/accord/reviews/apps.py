from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "accord.reviews"
    label = "reviews"

    def ready(self) -> None:
        from accord.governance.kinds import register

        register("review_sla", "Review SLA per tier (one leader proposes, the other confirms)",
                 read="review.read", act="sla.policy")
