from django.apps import AppConfig


class PatchingConfig(AppConfig):
    name = "accord.patching"
    label = "patching"
