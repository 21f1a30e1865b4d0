"""Permission-scoped reads of the risk register, shared by the pages, the API and the command line.

The register is sorted by the mean annual loss of each scenario's latest run; its 90% range is the
5th to the 95th percentile of simulated annual loss (the engine computes both, exact up to its
sketch limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, require
from accord.risks.models import Control, RiskScenario, RiskSettings, RunKind, ScenarioStatus, SimulationRun
from accord.risks.services import current_settings

READ = "risk.read"


@dataclass(frozen=True)
class ScenarioFilter:
    q: str = ""
    status: str = ""
    treatment: str = ""
    business_service: int | None = None
    owner: int | None = None  # a person who is the IT or the security owner


def register(viewer: HasCapabilities, filters: ScenarioFilter | None = None) -> QuerySet[RiskScenario]:
    """Scenarios, largest mean annual loss first (scenarios never simulated last)."""
    require(viewer, READ)
    f = filters or ScenarioFilter()
    qs = RiskScenario.objects.select_related("latest_run", "business_service", "it_owner", "security_owner")
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q.strip()) | Q(slug__icontains=f.q.strip())
                       | Q(description__icontains=f.q.strip()))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.treatment:
        qs = qs.filter(treatment=f.treatment)
    if f.business_service:
        qs = qs.filter(business_service_id=f.business_service)
    if f.owner:
        qs = qs.filter(Q(it_owner_id=f.owner) | Q(security_owner_id=f.owner))
    return qs.order_by(F("latest_run__mean").desc(nulls_last=True), "slug")


def scenario_by_slug(viewer: HasCapabilities, slug: str) -> RiskScenario:
    require(viewer, READ)
    scenario = (RiskScenario.objects.select_related("latest_run", "latest_run__created_by", "business_service",
                                                    "it_owner", "security_owner")
                .prefetch_related("assets", "controls").filter(slug=slug).first())
    if scenario is None:
        raise NotFound("risk scenario", slug)
    return scenario


def control_by_id(viewer: HasCapabilities, scenario: RiskScenario, control_id: int) -> Control:
    require(viewer, READ)
    control = Control.objects.select_related("scenario").filter(scenario=scenario, pk=control_id).first()
    if control is None:
        raise NotFound("control", control_id)
    return control


def controls_of(viewer: HasCapabilities, scenario: RiskScenario) -> QuerySet[Control]:
    require(viewer, READ)
    return Control.objects.filter(scenario=scenario).order_by("name")


def risk_settings(viewer: HasCapabilities) -> RiskSettings:
    require(viewer, READ)
    return current_settings()


def latest_portfolio_run(viewer: HasCapabilities) -> SimulationRun | None:
    require(viewer, READ)
    return SimulationRun.objects.filter(kind=RunKind.PORTFOLIO).select_related("created_by").first()


def runs_of(viewer: HasCapabilities, scenario: RiskScenario) -> QuerySet[SimulationRun]:
    require(viewer, READ)
    return SimulationRun.objects.filter(scenario=scenario).select_related("created_by")


def portfolio_is_stale(run: SimulationRun | None) -> bool:
    """True when a scenario was simulated again (its inputs changed) after the portfolio run."""
    if run is None:
        return False
    return SimulationRun.objects.filter(kind=RunKind.SCENARIO, created_at__gt=run.created_at).exists()


@dataclass(frozen=True)
class ControlView:
    """A control with what the latest run says about it (proposed controls only)."""

    control: Control
    delta_mean: float | None = None
    delta_low: float | None = None
    delta_high: float | None = None
    rosi: float | None = None


def control_views(scenario: RiskScenario) -> list[ControlView]:
    """Each control of the scenario, with ΔALE (90% interval) and ROSI from the latest run."""
    effects: dict[str, dict[str, Any]] = {}
    run = scenario.latest_run
    if run is not None and run.result.get("scenarios"):
        effects = {e["name"]: e for e in run.result["scenarios"][0].get("controls", [])}
    views = []
    for control in sorted(scenario.controls.all(), key=lambda c: (c.in_place, c.name)):
        effect = effects.get(control.name) if not control.in_place else None
        if effect is None:
            views.append(ControlView(control))
            continue
        low, high = effect.get("delta_mean_ci90") or (None, None)
        views.append(ControlView(control, effect.get("delta_mean"), low, high, effect.get("rosi")))
    return views


@dataclass(frozen=True)
class ScenarioLossByAsset:
    """For the patch planner: the annual loss of the open scenarios that name each asset."""

    per_asset: dict[int, float]
    typical: float  # the median mean annual loss of open simulated scenarios (0 when there are none)

    def uplift(self, asset_id: int) -> float:
        """1 + (annual loss of the asset's scenarios) / (a typical scenario's annual loss)."""
        if self.typical <= 0:
            return 1.0
        return 1.0 + self.per_asset.get(asset_id, 0.0) / self.typical


def scenario_loss_by_asset(viewer: HasCapabilities) -> ScenarioLossByAsset:
    """Read by the patch planner (so `patch.read` suffices): which assets quantified risks run through."""
    require(viewer, "patch.read")
    open_runs = (RiskScenario.objects.exclude(status=ScenarioStatus.CLOSED).filter(latest_run__isnull=False)
                 .values_list("pk", "latest_run__mean"))
    losses = {pk: float(mean or 0.0) for pk, mean in open_runs}
    per_asset: dict[int, float] = {}
    links = RiskScenario.assets.through.objects.filter(riskscenario_id__in=losses)
    for scenario_id, asset_id in links.values_list("riskscenario_id", "asset_id"):
        per_asset[asset_id] = per_asset.get(asset_id, 0.0) + losses[scenario_id]
    ordered = sorted(losses.values())
    typical = ordered[len(ordered) // 2] if ordered else 0.0
    return ScenarioLossByAsset(per_asset=per_asset, typical=typical)
