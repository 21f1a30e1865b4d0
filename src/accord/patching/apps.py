from django.apps import AppConfig


class PatchingConfig(AppConfig):
    name = "accord.patching"
    label = "patching"

    def ready(self) -> None:
        from accord.governance.kinds import register

        register("patch_plan", "Patch plan sign-off (CIO and CISO)", read="patch.read", act="patch.sign")
        register("emergency_change", "Emergency change (CIO or CISO)", read="patch.read", act="patch.sign")
        register("exposure_assumptions", "Exposure assumptions (CISO and CIO)", read="patch.read", act="patch.sign")
