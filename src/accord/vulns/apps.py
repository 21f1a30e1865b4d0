from django.apps import AppConfig


class VulnsConfig(AppConfig):
    name = "accord.vulns"
    label = "vulns"

    def ready(self) -> None:
        from accord.governance.kinds import register

        register("sla_policy", "Remediation SLA policy (one leader proposes, the other confirms)",
                 read="vuln.read", act="sla.policy")
