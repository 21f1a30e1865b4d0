"""Permission-scoped reads of the risk register, shared by the pages, the API and the command line.

The register is sorted by the mean annual loss of each scenario's latest run; its 90% range is the
5th to the 95th percentile of simulated annual loss (the engine computes both, exact up to its
sketch limit).

One set of figures: a scenario's mean and range, wherever they are shown (register, scenario page,
risk portfolio page, portfolio estimates, API, command line), come from its own latest run. The
portfolio run adds only what needs the scenarios together: the total's spread with correlation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import Actor, HasCapabilities, require
from accord.engine.fair.analytic import mean_loss_per_event
from accord.engine.fair.scenario import parse_scenario_file
from accord.risks.models import Control, RiskScenario, RiskSettings, RunKind, ScenarioStatus, SimulationRun

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
    qs = RiskScenario.objects.select_related("latest_run__created_by", "business_service", "it_owner", "security_owner")
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


def organisation_currency() -> str:
    """The currency every amount in Accord is in (not confidential: any signed-in page shows it)."""
    return RiskSettings.current().currency


def risk_settings(viewer: HasCapabilities) -> RiskSettings:
    require(viewer, READ)
    return RiskSettings.current()


def latest_runs(viewer: HasCapabilities) -> dict[str, SimulationRun]:
    """Each scenario's latest run by scenario id: the figures every other app states for it."""
    require(viewer, READ)
    rows = RiskScenario.objects.filter(latest_run__isnull=False).select_related("latest_run")
    return {s.slug: s.latest_run for s in rows if s.latest_run is not None}


def latest_portfolio_run(viewer: HasCapabilities) -> SimulationRun | None:
    require(viewer, READ)
    return SimulationRun.objects.filter(kind=RunKind.PORTFOLIO).select_related("created_by").first()


def runs_of(viewer: HasCapabilities, scenario: RiskScenario) -> QuerySet[SimulationRun]:
    require(viewer, READ)
    return SimulationRun.objects.filter(scenario=scenario).select_related("created_by")


@dataclass(frozen=True)
class ScenarioFigures:
    """A scenario's figures as every page shows them: those of its latest run."""

    scenario: RiskScenario
    run: SimulationRun

    @property
    def entry(self) -> dict[str, Any]:
        scenarios: list[dict[str, Any]] = self.run.result.get("scenarios") or [{}]
        return scenarios[0]


@dataclass(frozen=True)
class PortfolioFigures:
    """The open scenarios' own figures, their plain sum, and the total simulated with correlation.

    The correlated total comes from the latest portfolio run. Its scenarios keep their own figures
    (correlation only pairs their years), so it is current when each of its scenarios carries the
    input hash of that scenario's latest run; `out_of_date` names those that changed since."""

    scenarios: list[ScenarioFigures]  # largest mean first
    run: SimulationRun | None
    out_of_date: list[str]

    @property
    def plain_sum(self) -> float:
        """The sum of the scenarios' mean annual losses (correlation never changes a mean)."""
        return sum(f.run.mean for f in self.scenarios)

    @property
    def current(self) -> bool:
        return self.run is not None and not self.out_of_date

    @property
    def correlated(self) -> bool:
        return bool(self.run is not None and self.run.spec.get("correlation"))


def _changed_since(run: SimulationRun, figures: list[ScenarioFigures]) -> list[str]:
    """Names of the scenarios whose latest run is not the one the portfolio run was made from (or that
    joined or left the open scenarios since); the portfolio run's engine counts too."""
    simulated = {e.get("id"): e.get("input_hash") for e in run.result.get("scenarios") or []}
    changed = [f.scenario.name for f in figures
               if simulated.pop(f.scenario.slug, None) != f.run.input_hash or f.run.engine_version != run.engine_version]
    names = dict(RiskScenario.objects.filter(slug__in=simulated).values_list("slug", "name"))
    return changed + [names.get(str(slug), str(slug)) for slug in simulated]  # closed or removed since


def portfolio_figures(viewer: HasCapabilities) -> PortfolioFigures:
    require(viewer, READ)
    rows = (RiskScenario.objects.exclude(status=ScenarioStatus.CLOSED).filter(latest_run__isnull=False)
            .select_related("latest_run").order_by(F("latest_run__mean").desc(), "slug"))
    figures = [ScenarioFigures(s, s.latest_run) for s in rows if s.latest_run is not None]
    run = latest_portfolio_run(viewer)
    return PortfolioFigures(figures, run, _changed_since(run, figures) if run is not None else [])


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
class ScenarioShare:
    """An open risk scenario that names an asset, as the patch planner values a compromise of it."""

    slug: str
    name: str
    run_id: int
    loss_per_event: float  # expected loss of one loss event, from the inputs of the stored run
    assets_named: int  # the scenario's loss per event is shared equally between its assets

    @property
    def share(self) -> float:
        return self.loss_per_event / max(self.assets_named, 1)


def scenario_shares_by_asset(viewer: HasCapabilities) -> dict[int, list[ScenarioShare]]:
    """Read by the patch planner (so `patch.read` suffices): per asset id, the open simulated
    scenarios that name it, with their loss per event from the run the pages show."""
    require(viewer, "patch.read")
    scenarios = (RiskScenario.objects.exclude(status=ScenarioStatus.CLOSED).filter(latest_run__isnull=False)
                 .select_related("latest_run").prefetch_related("assets"))
    shares: dict[int, list[ScenarioShare]] = {}
    for scenario in scenarios:
        run = scenario.latest_run
        asset_ids = [a.pk for a in scenario.assets.all()]
        if run is None or not asset_ids:
            continue
        spec = parse_scenario_file(run.spec)
        share = ScenarioShare(scenario.slug, scenario.name, run.pk,
                              mean_loss_per_event(spec.scenarios[0]), len(asset_ids))
        for asset_id in asset_ids:
            shares.setdefault(asset_id, []).append(share)
    return shares


def above_appetite(figures: PortfolioFigures) -> list[ScenarioFigures]:
    """The scenarios whose own loss exceedance curve crosses the board's appetite at some point."""
    return [f for f in figures.scenarios if any(not check.get("within", True)
                                                 for check in f.run.result.get("appetite") or [])]


def portfolio_breaches_appetite(figures: PortfolioFigures) -> bool | None:
    """Whether all the open scenarios together exceed the appetite (None: no portfolio run yet)."""
    if figures.run is None:
        return None
    return any(not check.get("within", True) for check in figures.run.result.get("appetite") or [])


def scenarios_owned_by(viewer: Actor) -> QuerySet[RiskScenario]:
    """Open scenarios whose IT or security owner is the viewer's entry in the directory."""
    require(viewer, READ)
    mine = Q(it_owner__user_id=viewer.pk) | Q(security_owner__user_id=viewer.pk)
    return (RiskScenario.objects.exclude(status=ScenarioStatus.CLOSED).filter(mine)
            .select_related("latest_run", "business_service").order_by("name"))
