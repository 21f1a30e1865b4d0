"""Risk register API: scenarios, controls, simulation runs, loss exceedance, tornado, portfolio,
settings, and import/export of the scenario file format."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status, UploadedFile

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, paginate
from accord.core.errors import NotFound
from accord.core.permissions import Actor
from accord.core.rate_limits import count_expensive
from accord.risks import scenario_files, selectors, services
from accord.risks.models import SimulationRun
from accord.risks.schemas import (
    ControlIn,
    ControlOut,
    ControlPatch,
    ExportQuery,
    ImportReportOut,
    LecOut,
    PortfolioOut,
    RunOut,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
    ScenarioQuery,
    SettingsOut,
    SettingsPatch,
    SimulateQuery,
    Slug,
    TornadoOut,
)

router = Router(tags=["risks"])
READ, WRITE = Capability("risk.read"), Capability("risk.write")


def _latest(scenario: Any) -> SimulationRun:
    if scenario.latest_run is None:
        raise NotFound("simulation run of scenario", scenario.slug)
    return scenario.latest_run


def _control_out(view: selectors.ControlView) -> dict[str, Any]:
    c = view.control
    return {"id": c.pk, "name": c.name, "factor": c.factor, "effectiveness": c.effectiveness,
            "annual_cost": c.annual_cost, "in_place": c.in_place, "delta_mean": view.delta_mean,
            "delta_mean_ci90": None if view.delta_mean is None else [view.delta_low, view.delta_high],
            "rosi": view.rosi}


# Scenarios ---------------------------------------------------------------------------------------

@router.get("/scenarios", response={200: Page[ScenarioOut], **REFUSALS}, auth=READ)
def list_scenarios(request: HttpRequest, query: Query[ScenarioQuery]) -> Any:
    filters = selectors.ScenarioFilter(**query.dict(exclude={"page", "page_size"}))
    scenarios = selectors.register(acting_user(request), filters).prefetch_related("assets")
    return paginate(scenarios, page=query.page, page_size=query.page_size)


@router.post("/scenarios", response={201: ScenarioOut, **REFUSALS}, auth=WRITE)
def create_scenario(request: HttpRequest, payload: ScenarioIn) -> Any:
    return Status(201, services.create_scenario(actor=acting_user(request), **payload.dict()))


@router.get("/scenarios/{slug}", response={200: ScenarioOut, **REFUSALS}, auth=READ)
def get_scenario(request: HttpRequest, slug: Slug) -> Any:
    return selectors.scenario_by_slug(acting_user(request), slug)


@router.patch("/scenarios/{slug}", response={200: ScenarioOut, **REFUSALS}, auth=WRITE)
def update_scenario(request: HttpRequest, slug: Slug, payload: ScenarioPatch) -> Any:
    actor = acting_user(request)
    scenario = selectors.scenario_by_slug(actor, slug)
    return services.update_scenario(actor=actor, scenario=scenario, **payload.dict(exclude_unset=True))


# Controls ----------------------------------------------------------------------------------------

@router.get("/scenarios/{slug}/controls", response={200: list[ControlOut], **REFUSALS}, auth=READ)
def list_controls(request: HttpRequest, slug: Slug) -> Any:
    scenario = selectors.scenario_by_slug(acting_user(request), slug)
    return [_control_out(view) for view in selectors.control_views(scenario)]


@router.post("/scenarios/{slug}/controls", response={201: ControlOut, **REFUSALS}, auth=WRITE)
def add_control(request: HttpRequest, slug: Slug, payload: ControlIn) -> Any:
    actor = acting_user(request)
    scenario = selectors.scenario_by_slug(actor, slug)
    control = services.add_control(actor=actor, scenario=scenario, **payload.dict())
    return Status(201, _control_out(_view_of(actor, slug, control.pk)))


def _view_of(actor: Actor, slug: str, control_id: int) -> selectors.ControlView:
    scenario = selectors.scenario_by_slug(actor, slug)
    return next(v for v in selectors.control_views(scenario) if v.control.pk == control_id)


@router.patch("/scenarios/{slug}/controls/{control_id}", response={200: ControlOut, **REFUSALS}, auth=WRITE)
def update_control(request: HttpRequest, slug: Slug, control_id: DbId, payload: ControlPatch) -> Any:
    actor = acting_user(request)
    control = selectors.control_by_id(actor, selectors.scenario_by_slug(actor, slug), control_id)
    services.update_control(actor=actor, control=control, **payload.dict(exclude_unset=True))
    return _control_out(_view_of(actor, slug, control.pk))


@router.delete("/scenarios/{slug}/controls/{control_id}", response={204: None, **REFUSALS}, auth=WRITE)
def remove_control(request: HttpRequest, slug: Slug, control_id: DbId) -> Any:
    actor = acting_user(request)
    control = selectors.control_by_id(actor, selectors.scenario_by_slug(actor, slug), control_id)
    services.remove_control(actor=actor, control=control)
    return Status(204, None)


# Runs and results --------------------------------------------------------------------------------

@router.post("/scenarios/{slug}/simulate", response={200: RunOut, **REFUSALS}, auth=WRITE)
def simulate_scenario(request: HttpRequest, slug: Slug, query: Query[SimulateQuery]) -> Any:
    """Simulate with the register's seed and years. Unchanged inputs keep the latest run (the numbers
    would be the same) unless `force=true`."""
    actor = acting_user(request)
    scenario = selectors.scenario_by_slug(actor, slug)
    count_expensive(actor)
    return services.simulate_scenario(actor=actor, scenario=scenario, force=query.force)


@router.get("/scenarios/{slug}/results", response={200: RunOut, **REFUSALS}, auth=READ)
def latest_results(request: HttpRequest, slug: Slug) -> Any:
    return _latest(selectors.scenario_by_slug(acting_user(request), slug))


@router.get("/scenarios/{slug}/lec", response={200: LecOut, **REFUSALS}, auth=READ)
def loss_exceedance(request: HttpRequest, slug: Slug) -> Any:
    """Loss exceedance curves of the latest run: the scenario, with its proposed controls, and appetite."""
    run = _latest(selectors.scenario_by_slug(acting_user(request), slug))
    entry = run.result["scenarios"][0]
    series = {"scenario": entry["lec"]}
    if entry.get("with_controls"):
        series["with_controls"] = entry["with_controls"]["lec"]
    return {"currency": run.currency, "run_id": run.pk, "seed": run.seed, "years": run.years,
            "engine_version": run.engine_version, "input_hash": run.input_hash, "series": series,
            "appetite": run.spec.get("appetite", [])}


@router.get("/scenarios/{slug}/tornado", response={200: TornadoOut, **REFUSALS}, auth=READ)
def tornado(request: HttpRequest, slug: Slug) -> Any:
    run = _latest(selectors.scenario_by_slug(acting_user(request), slug))
    chart = run.result.get("tornado") or {"method": "closed form", "base_mean": run.mean, "bars": []}
    return {"run_id": run.pk, "method": chart.get("method", "simulated"), "base_mean": chart["base_mean"],
            "bars": chart["bars"]}


# Portfolio ---------------------------------------------------------------------------------------

class _PortfolioAnswer:
    """The portfolio run's own fields, with the register's figures beside them (what PortfolioOut reads)."""

    def __init__(self, figures: selectors.PortfolioFigures, run: SimulationRun) -> None:
        self.run = run
        self.plain_sum = figures.plain_sum
        self.current = figures.current
        self.out_of_date = figures.out_of_date
        self.scenarios = [
            {"id": f.scenario.slug, "name": f.scenario.name, "run_id": f.run.pk, "input_hash": f.run.input_hash,
             "mean": f.run.mean, "p5": f.run.p5, "p95": f.run.p95}
            for f in figures.scenarios
        ]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.run, name)


@router.get("/portfolio", response={200: PortfolioOut, **REFUSALS}, auth=READ)
def portfolio(request: HttpRequest) -> Any:
    """The latest portfolio run (the total with correlation) beside the open scenarios' own figures
    and their plain sum; `current` says whether the run was made from those scenarios' latest runs."""
    figures = selectors.portfolio_figures(acting_user(request))
    if figures.run is None:
        raise NotFound("portfolio run", "latest")
    return _PortfolioAnswer(figures, figures.run)


@router.post("/portfolio/simulate", response={200: RunOut, **REFUSALS}, auth=WRITE)
def simulate_portfolio(request: HttpRequest) -> Any:
    actor = acting_user(request)
    count_expensive(actor)
    return services.simulate_portfolio(actor=actor)


# Settings ----------------------------------------------------------------------------------------

@router.get("/settings", response={200: SettingsOut, **REFUSALS}, auth=READ)
def get_settings(request: HttpRequest) -> Any:
    return selectors.risk_settings(acting_user(request))


@router.patch("/settings", response={200: SettingsOut, **REFUSALS}, auth=WRITE)
def update_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    return services.update_settings(actor=acting_user(request), **payload.dict(exclude_unset=True))


# Scenario files ----------------------------------------------------------------------------------

@router.post("/import", response={200: ImportReportOut, **REFUSALS}, auth=WRITE)
def import_file(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Import a scenario file (YAML, or JSON when the name ends in .json): all of it or nothing."""
    return scenario_files.import_scenario_file(actor=acting_user(request), file=file,
                                               filename=file.name or "upload.yaml")


# The same document either way: with format=yaml it is written as YAML.
_YAML_EXPORT = {"responses": {200: {"description": "The scenario file: JSON, or YAML with format=yaml",
                                     "content": {"application/yaml": {"schema": {"type": "object"}}}}}}


@router.get("/export", response={200: dict[str, Any], **REFUSALS}, auth=READ, openapi_extra=_YAML_EXPORT)
def export_file(request: HttpRequest, query: Query[ExportQuery]) -> Any:
    """The register as a scenario file (JSON, or YAML with format=yaml)."""
    document = scenario_files.export_document(acting_user(request), query.ids or None)
    if query.format == "yaml":
        return HttpResponse(scenario_files.dump_document(document, "yaml"), content_type="application/yaml")
    return document
