"""Every write to the risk register: scenarios, controls, settings, simulation runs, file import.

Rule "re-run on input change": every service that changes what a scenario simulates (its FAIR inputs,
name, proposed controls, or the settings) simulates it again and stores a new run when the engine's
input hash differs from the latest run's. Runs use the settings' seed, years and model, so the same
inputs always give the same numbers, bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from accord.core import audit
from accord.core.crud import validate
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require
from accord.engine.fair import ENGINE_VERSION
from accord.org.models import Asset
from accord.risks import fair
from accord.risks.models import (
    Control,
    RiskScenario,
    RiskSettings,
    RunKind,
    ScenarioStatus,
    SimulationRun,
    Treatment,
)

WRITE = "risk.write"
SCENARIO_FIELDS = frozenset({
    "slug", "name", "description", "inputs", "it_owner", "it_owner_id", "security_owner", "security_owner_id",
    "business_service", "business_service_id", "treatment", "status",
})
CONTROL_FIELDS = frozenset({"name", "factor", "effectiveness", "annual_cost", "in_place"})
SETTINGS_FIELDS = frozenset({"currency", "appetite", "default_years", "seed", "model", "correlation"})


# ---- the engine view of a scenario -----------------------------------------------------------------


def _control_specs(controls: Iterable[Control], *, proposed_only: bool) -> list[dict[str, Any]]:
    return [c.spec() for c in sorted(controls, key=lambda c: c.name) if not (proposed_only and c.in_place)]


def scenario_file_entry(scenario: RiskScenario, controls: Iterable[Control] | None = None) -> dict[str, Any]:
    """The scenario as the file format spells it: its inputs and its proposed controls (controls in place
    are already part of the inputs, so listing them would count them twice)."""
    listed = scenario.controls.all() if controls is None else controls
    return fair.scenario_mapping(scenario.slug, scenario.name, scenario.inputs,
                                 _control_specs(listed, proposed_only=True))


def _settings_document(settings: RiskSettings, entries: Sequence[dict[str, Any]],
                       correlation: dict[str, Any] | None = None) -> dict[str, Any]:
    return fair.file_document(scenarios=entries, currency=settings.currency, model=settings.model,
                              years=settings.default_years, seed=settings.seed, appetite=settings.appetite,
                              correlation=correlation)


def _check_scenario(scenario: RiskScenario, controls: Sequence[Control], *,
                    control_index: int | None = None) -> None:
    """Check the inputs with every control (in place or not) on it; name the field that is wrong.

    With `control_index`, problems of that control are named by its own field (`effectiveness`)."""
    mapping = fair.scenario_mapping(scenario.slug, scenario.name, scenario.inputs,
                                    [c.spec() for c in controls])
    try:
        fair.check_scenario(mapping)
    except ValidationFailed as exc:
        if control_index is None:
            raise
        prefix = f"controls[{control_index}]."
        raise ValidationFailed([
            Problem(field=p.field.removeprefix(prefix) if p.field.startswith(prefix) else p.field,
                    message=p.message)
            for p in exc.problems
        ]) from None


def _check_inputs_shape(inputs: Any) -> None:
    if not isinstance(inputs, dict):
        raise ValidationFailed.field("inputs", "must be a mapping such as {lef: {constant: 0.5}, primary_loss: ...}")
    unknown = sorted(str(key) for key in inputs if key not in fair.INPUT_KEYS)
    if unknown:
        raise ValidationFailed.field(
            f"inputs.{unknown[0]}", f"unknown input; the inputs are {', '.join(fair.INPUT_KEYS)}")


# ---- runs ------------------------------------------------------------------------------------------


def _run_summary(run: SimulationRun) -> dict[str, Any]:
    return audit.snapshot(run, exclude=("result", "spec"))


def _store_run(*, actor: Actor, kind: str, scenario: RiskScenario | None, doc: dict[str, Any],
               outcome: fair.Outcome) -> SimulationRun:
    result = outcome.result
    headline = result.scenarios[0].stats if kind == RunKind.SCENARIO else result.portfolio
    run = SimulationRun.objects.create(
        kind=kind, scenario=scenario, seed=result.seed, years=result.years, model=result.model,
        currency=result.currency, engine_version=result.engine_version, input_hash=result.input_hash,
        mean=headline.mean, p5=headline.p5, p95=headline.p95, result=outcome.document, spec=doc,
        created_by_id=getattr(actor, "pk", None),
    )
    audit.record(actor, "simulationrun.created", run, after=_run_summary(run))
    return run


def resimulate(actor: Actor, scenario: RiskScenario, *, force: bool = False) -> SimulationRun:
    """Simulate one scenario alone; store a run unless the latest one has the same input hash."""
    entry = scenario_file_entry(scenario)
    doc = _settings_document(RiskSettings.current(), [entry])
    latest = scenario.latest_run
    # The input hash is a function of this document and the engine version: the same document on
    # the same engine would give the same numbers, so there is nothing to run.
    if latest is not None and not force and latest.spec == doc and latest.engine_version == ENGINE_VERSION:
        return latest
    outcome = fair.run(doc)
    if latest is not None and latest.input_hash == outcome.input_hash and not force:
        return latest
    fair.add_tornado(outcome, entry)
    with transaction.atomic():  # the simulation ran outside: only storing it holds the database's write lock
        run = _store_run(actor=actor, kind=RunKind.SCENARIO, scenario=scenario, doc=doc, outcome=outcome)
        scenario.latest_run = run
        RiskScenario.objects.filter(pk=scenario.pk).update(latest_run=run)
    return run


def simulate_scenario(*, actor: Actor, scenario: RiskScenario, force: bool = False) -> SimulationRun:
    """Simulate the scenario with the settings' seed, years and model. The same inputs give the same
    numbers, so an unchanged scenario keeps its latest run (unless `force`). The simulation runs
    outside any transaction (workers simulate side by side, even on SQLite); the run and its audit
    row are stored together or not at all."""
    require(actor, WRITE)
    return resimulate(actor, scenario, force=force)


def portfolio_scenarios() -> list[RiskScenario]:
    """The scenarios the portfolio adds up: every scenario that is not closed."""
    return list(RiskScenario.objects.exclude(status=ScenarioStatus.CLOSED).prefetch_related("controls")
                .order_by("slug"))


@transaction.atomic
def simulate_portfolio(*, actor: Actor) -> SimulationRun:
    """Simulate every open scenario together (with the settings' correlation) and store the run."""
    require(actor, WRITE)
    scenarios = portfolio_scenarios()
    if not scenarios:
        raise ValidationFailed.field(
            "scenarios", "there is no open scenario to simulate; create one or import a scenario file")
    settings = RiskSettings.current()
    correlation, notes = fair.restrict_correlation(settings.correlation, [s.slug for s in scenarios])
    doc = _settings_document(settings, [scenario_file_entry(s) for s in scenarios], correlation)
    outcome = fair.run(doc)
    outcome.document["warnings"] = [*outcome.document["warnings"], *notes]
    return _store_run(actor=actor, kind=RunKind.PORTFOLIO, scenario=None, doc=doc, outcome=outcome)


def _rerun_everything(actor: Actor) -> None:
    for scenario in RiskScenario.objects.prefetch_related("controls").select_related("latest_run"):
        resimulate(actor, scenario)
    if RiskScenario.objects.exclude(status=ScenarioStatus.CLOSED).exists():
        simulate_portfolio(actor=actor)


# ---- scenarios -------------------------------------------------------------------------------------


def _assign(instance: Any, fields: dict[str, Any], allowed: frozenset[str]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationFailed.field(name, "unknown field")
        setattr(instance, name, value)


def _asset_list(assets: Iterable[Any]) -> list[Asset]:
    ids = [a.pk if isinstance(a, Asset) else a for a in assets]
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise ValidationFailed.field("assets", "must list asset ids")
    found = {a.pk: a for a in Asset.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.field("assets", f"no asset with id {missing[0]}")
    return [found[i] for i in dict.fromkeys(ids)]


def _snapshot(scenario: RiskScenario) -> dict[str, Any]:
    data = audit.snapshot(scenario, exclude=("latest_run",))
    data["assets"] = sorted(scenario.assets.values_list("pk", flat=True)) if scenario.pk else []
    return data


ACCEPT_REFUSED = ("a scenario is accepted only through a risk acceptance, with a justification, an expiry date and "
                  "approvers: ask for one at /steering/acceptances/new/ (or `accord acceptances request`); the "
                  "treatment becomes accept when it is granted")


def _refuse_accept_without_record(scenario: RiskScenario, treatment_before: str | None) -> None:
    """Treatment "accept" is set by a granted risk acceptance only (`set_treatment_by_acceptance`);
    a scenario accepted already keeps it through other edits."""
    if scenario.treatment == Treatment.ACCEPT and treatment_before != Treatment.ACCEPT:
        raise ValidationFailed.field("treatment", ACCEPT_REFUSED)


@transaction.atomic
def create_scenario(*, actor: Actor, assets: Iterable[Any] = (), **fields: Any) -> RiskScenario:
    """Create a scenario (slug, name, inputs, owners, service, treatment, status) and simulate it.
    Treatment "accept" is refused: a granted risk acceptance sets it."""
    require(actor, WRITE)
    scenario = RiskScenario()
    _assign(scenario, fields, SCENARIO_FIELDS)
    _refuse_accept_without_record(scenario, None)
    _check_inputs_shape(scenario.inputs)
    validate(scenario)
    asset_rows = _asset_list(assets)
    _check_scenario(scenario, [])
    scenario.save()
    scenario.assets.set(asset_rows)
    audit.record(actor, "riskscenario.created", scenario, after=_snapshot(scenario))
    resimulate(actor, scenario)
    return scenario


@transaction.atomic
def update_scenario(*, actor: Actor, scenario: RiskScenario, assets: Iterable[Any] | None = None,
                    **changes: Any) -> RiskScenario:
    """Change a scenario; when what it simulates changed, simulate it again and store the new run."""
    require(actor, WRITE)
    if "slug" in changes and changes["slug"] != scenario.slug:
        raise ValidationFailed.field(
            "slug", "a scenario's id cannot change: it names the scenario in files and in the seed tree")
    before = _snapshot(scenario)
    _assign(scenario, changes, SCENARIO_FIELDS)
    _refuse_accept_without_record(scenario, before["treatment"])
    _check_inputs_shape(scenario.inputs)
    validate(scenario)
    asset_rows = _asset_list(assets) if assets is not None else None
    _check_scenario(scenario, list(scenario.controls.all()))
    scenario.save()
    if asset_rows is not None:
        scenario.assets.set(asset_rows)
    after = _snapshot(scenario)
    audit.record_change(actor, "riskscenario.updated", scenario, before, after)
    resimulate(actor, scenario)
    return scenario


@transaction.atomic
def set_treatment_by_acceptance(*, actor: Actor, scenario: RiskScenario, treatment: str, reason: str) -> RiskScenario:
    """The risk acceptances app sets a scenario's treatment to accept when an acceptance of it is
    granted, and back when the acceptance ends. Its services check who may (`risk.accept`, or the
    daily review's system actor when an acceptance lapses). Nothing the scenario simulates changes,
    so no new run."""
    if treatment not in Treatment.values:
        raise ValidationFailed.field("treatment", f"{treatment!r} is not one of {', '.join(Treatment.values)}")
    row = RiskScenario.objects.select_for_update().get(pk=scenario.pk)
    before = _snapshot(row)
    row.treatment = treatment
    row.save(update_fields=["treatment", "updated_at"])
    after = _snapshot(row)
    if before != after:
        audit.record(actor, "riskscenario.treatment_by_acceptance", row,
                     before={"treatment": before["treatment"]}, after={"treatment": treatment, "reason": reason})
    scenario.treatment = treatment
    return row


# ---- controls --------------------------------------------------------------------------------------


def _control_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "name" in fields and isinstance(fields["name"], str):
        fields["name"] = fields["name"].strip()
    return fields


def _save_control(actor: Actor, scenario: RiskScenario, control: Control) -> None:
    validate(control)
    others = [c for c in scenario.controls.all() if c.pk != control.pk]
    _check_scenario(scenario, [*others, control], control_index=len(others))
    control.save()
    resimulate(actor, RiskScenario.objects.select_related("latest_run").get(pk=scenario.pk))


@transaction.atomic
def add_control(*, actor: Actor, scenario: RiskScenario, **fields: Any) -> Control:
    """Add a control (name, factor, effectiveness, annual_cost, in_place); re-simulates the scenario."""
    require(actor, WRITE)
    control = Control(scenario=scenario)
    _assign(control, _control_fields(fields), CONTROL_FIELDS)
    _save_control(actor, scenario, control)
    audit.record(actor, "control.created", control, after=audit.snapshot(control))
    return control


@transaction.atomic
def update_control(*, actor: Actor, control: Control, **changes: Any) -> Control:
    require(actor, WRITE)
    before = audit.snapshot(control)
    _assign(control, _control_fields(changes), CONTROL_FIELDS)
    _save_control(actor, control.scenario, control)
    after = audit.snapshot(control)
    audit.record_change(actor, "control.updated", control, before, after)
    return control


@transaction.atomic
def remove_control(*, actor: Actor, control: Control) -> None:
    require(actor, WRITE)
    scenario = control.scenario
    audit.record(actor, "control.removed", control, before=audit.snapshot(control))
    control.delete()
    resimulate(actor, RiskScenario.objects.select_related("latest_run").get(pk=scenario.pk))


# ---- settings --------------------------------------------------------------------------------------


def _check_settings(settings: RiskSettings) -> None:
    validate(settings)
    if not isinstance(settings.currency, str) or not settings.currency.strip():
        raise ValidationFailed.field("currency", "must be a currency code such as USD or EUR")
    correlation = settings.correlation
    ids: list[str] = []
    if correlation:
        if not isinstance(correlation, dict) or not isinstance(correlation.get("ids"), list):
            raise ValidationFailed.field("correlation", "must be {ids: [scenario ids], matrix: [[...], ...]}")
        ids = [str(i) for i in correlation["ids"]]
        known = set(RiskScenario.objects.filter(slug__in=ids).values_list("slug", flat=True))
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValidationFailed.field("correlation.ids", f"no scenario with id {unknown[0]!r}")
    # The engine checks appetite points and the matrix; stand-in scenarios carry the correlated ids.
    stand_ins = [{"id": i, "lef": {"constant": 0}, "primary_loss": {"constant": 0}} for i in ids or ["x"]]
    try:
        fair.check_file({"currency": settings.currency, "appetite": settings.appetite,
                         "correlation": correlation or None, "scenarios": stand_ins})
    except ValidationFailed as exc:
        raise ValidationFailed([Problem(field=p.field.removeprefix("field "), message=p.message)
                                for p in exc.problems]) from None


@transaction.atomic
def update_settings(*, actor: Actor, **changes: Any) -> RiskSettings:
    """Change currency, appetite, default years, seed, model or correlation; every run is redone."""
    require(actor, WRITE)
    settings, _ = RiskSettings.objects.select_for_update().get_or_create(pk=1)
    before = audit.snapshot(settings)
    _assign(settings, changes, SETTINGS_FIELDS)
    if isinstance(settings.currency, str):
        settings.currency = settings.currency.strip().upper()
    _check_settings(settings)
    settings.appetite = sorted(settings.appetite or [])  # checked: [loss, probability] pairs
    settings.save()
    after = audit.snapshot(settings)
    if audit.record_change(actor, "risksettings.updated", settings, before, after):
        _rerun_everything(actor)
    return settings
