"""A committee (CIO, CISO, a business-unit representative), its next meeting, and one fixture per
agenda source that puts a real matter into that source through the owning app's services.

Time: `frozen` replaces `timezone.now` so a test can move days on (SLA due dates, overdue actions)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role
from accord.steering import services
from accord.steering.models import Seat


class FrozenClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    clock = FrozenClock(timezone.now().astimezone(UTC).replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def people(make_user: Callable[..., Any], ciso: Any, admin: Any) -> dict[str, Any]:
    return {
        "ciso": ciso, "admin": admin,
        "cio": make_user(Role.CIO, username="cio"),
        "steering": make_user(Role.STEERING_MEMBER, username="steering"),
        "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
        "owner": make_user(Role.PROJECT_OWNER, username="owner"),
        "itops": make_user(Role.IT_OPERATIONS, username="itops"),
        "board": make_user(Role.BOARD_VIEWER, username="board"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
    }


@pytest.fixture
def euro(ciso: Any) -> None:
    from accord.risks import services as risks

    risks.update_settings(actor=ciso, currency="EUR", default_years=2_000, seed=11)


@pytest.fixture
def committee(people: dict[str, Any], org_data: dict[str, Any]) -> list[Any]:
    ciso = people["ciso"]
    return [services.add_member(actor=ciso, user=people["cio"], seat=Seat.CIO),
            services.add_member(actor=ciso, user=people["ciso"], seat=Seat.CISO),
            services.add_member(actor=ciso, user=people["steering"], seat=Seat.BUSINESS_UNIT,
                                business_service=org_data["erp"])]


@pytest.fixture
def meeting(people: dict[str, Any], committee: list[Any]) -> Any:
    return services.schedule_meeting(actor=people["ciso"], title="Joint steering committee",
                                     starts_at=timezone.now() + timedelta(days=7), location="Board room")


# One real matter per source ------------------------------------------------------------------------------

@pytest.fixture
def rejected_review(people: dict[str, Any], org_data: dict[str, Any]) -> Any:
    from accord.org import services as org
    from accord.reviews import services as reviews

    owner = org.create_person(actor=people["admin"], name="Lucia Ferreira", user=people["owner"])
    project = reviews.create_project(actor=people["owner"], name="Customer portal v2", owner=owner,
                                     business_service=org_data["web"], data_classification="confidential",
                                     exposure="public", status="in_progress")
    review = reviews.request_review(actor=people["owner"], project=project)
    reviews.triage_review(actor=people["analyst"], review=review)
    return reviews.decide_review(actor=people["analyst"], review=review, outcome="rejected",
                                 note="Card numbers stored in clear")


SCAN = """hostname,title,severity,rule_id,cves,epss,solution
erp-db-01,OpenSSL buffer overflow,critical,ossl-1,CVE-2024-0001,0.9,Upgrade OpenSSL to 3.0.13
erp-db-01,Kernel privilege escalation,high,kern-1,CVE-2024-0003,0.5,Update the kernel and reboot
erp-app-01,Tomcat request smuggling,medium,tc-1,CVE-2024-0004,0.01,Upgrade Tomcat to 9.0.90
www-01,nginx header injection,high,ngx-1,CVE-2024-0005,0.3,Upgrade nginx
"""


@pytest.fixture
def findings(people: dict[str, Any], org_data: dict[str, Any]) -> Any:
    from accord.vulns.importer import import_scan

    run = import_scan(actor=people["ciso"], file=io.BytesIO(SCAN.encode()), filename="scan.csv", format="csv")
    assert run.new == 4, run
    return run


@pytest.fixture
def patch_plan(findings: Any, people: dict[str, Any], org_data: dict[str, Any]) -> Any:
    """A generated plan: the patch planner asks the CIO and the CISO to sign it."""
    from accord.patching import services as patching
    from accord.patching.planning import planning_start

    start = planning_start()
    patching.create_window(actor=people["ciso"], name="ERP night", business_service=org_data["erp"],
                           start=start + timedelta(days=2, hours=22), duration_minutes=240, max_changes=4,
                           rrule="FREQ=WEEKLY")
    return patching.generate_plan(actor=people["ciso"], horizon_days=30, time_limit=2, frontier_points=2, start=start)


@pytest.fixture
def emergency_signoff(people: dict[str, Any], org_data: dict[str, Any]) -> Any:
    """Two emergency changes of one plan, asked of governance as the patch planner asks them (kind,
    one slot for the CIO or the CISO, the figures it passes, the plan's url)."""
    from accord.governance import services as governance

    def ask(asset: Any, downtime: float, avoided: float) -> Any:
        return governance.request_signoff(
            actor=people["ciso"], kind="emergency_change", subject=asset, inputs={"job": asset.hostname},
            slots=[["cio", "ciso"]], summary=f"Emergency change on {asset.hostname} by tomorrow 22:00",
            url="/patching/plans/1/#emergencies", announce=False,
            figures={"downtime_cost": downtime, "exposure_avoided": avoided})

    return [ask(org_data["assets"][0], 20_000.0, 150_000.0), ask(org_data["assets"][1], 5_000.0, 10_000.0)]


@pytest.fixture
def selection(people: dict[str, Any], euro: None, org_data: dict[str, Any]) -> Any:
    """A solved selection the CISO approved; above the dual-approval amount, so it waits for the CIO."""
    from accord.portfolio import services as portfolio
    from accord.risks import services as risks

    scenario = risks.create_scenario(actor=people["ciso"], slug="bec", name="Business email compromise",
                                     inputs={"lef": {"constant": 0.8}, "events": "bernoulli",
                                             "primary_loss": {"lognormal90": [20000, 900000]}})
    budget = portfolio.create_budget_scenario(actor=people["ciso"], name="FY27", budget=600_000, horizon_years=3,
                                              discount_rate=0.08, dual_approval_above=0)
    mfa = portfolio.create_initiative(actor=people["ciso"], slug="mfa", title="MFA for remote access",
                                      one_off_cost=40_000, annual_cost=10_000)
    portfolio.add_effect(actor=people["ciso"], initiative=mfa, scenario=scenario, factor="lef",
                         effectiveness={"constant": 0.4})
    portfolio.estimate_effects(actor=people["ciso"], budget_scenario=budget, years=2_000)
    chosen = portfolio.save_selection(actor=people["ciso"], budget_scenario=budget)
    return portfolio.approve_selection(actor=people["ciso"], selection=chosen)


@pytest.fixture
def above_appetite(people: dict[str, Any], euro: None, org_data: dict[str, Any]) -> Any:
    from accord.risks import services as risks

    risks.update_settings(actor=people["ciso"], appetite=[[100_000, 0.05]])
    return risks.create_scenario(
        actor=people["ciso"], slug="ransomware-erp", name="Ransomware on the ERP platform",
        inputs={"tef": {"pert": [0.5, 2, 10]}, "vulnerability": {"pert": [0.05, 0.2, 0.5]},
                "primary_loss": {"pert": [10000, 150000, 2000000]}}, business_service=org_data["erp"])


@pytest.fixture
def major_incident(people: dict[str, Any], org_data: dict[str, Any], euro: None) -> Any:
    from accord.incidents import services as incidents

    now = timezone.now()
    return incidents.open_incident(
        actor=people["analyst"], title="Ransomware on the ERP", severity=2, summary="Files encrypted.",
        detected_at=now - timedelta(hours=2), reported_at=now - timedelta(hours=1), services=[org_data["erp"]])
