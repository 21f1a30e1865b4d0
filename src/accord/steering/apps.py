from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "accord.steering"
    label = "steering"
