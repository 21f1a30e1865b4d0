from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "accord.culture"
    label = "culture"
