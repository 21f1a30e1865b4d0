"""Simulating an initiative's effects with the FAIR engine: ΔALE per scenario and in total.

Each effect is a control of the risk engine (factor x (1 - effectiveness)). `control_effects` runs the
scenario without and with the initiative's effects on common random numbers, so the saving carries
no noise from two independent simulations. The 90% range of ΔALE is the initiative's own
uncertainty: the saving with every effectiveness held at its 5th percentile, and at its 95th, on the
same random numbers; it is widened to at least the Monte Carlo 90% interval of the estimate (which
matters when the effectiveness is a constant). Scenarios are simulated independently, so their
savings add and their Monte Carlo variances add.

One set of figures: what the simulation measures is the share of the scenario's loss the initiative
removes. The money is that share of the scenario's ALE from its stored run, the figure the register
and every other page state; with the register's seed and years the two baselines are the same bits,
with fewer years (a faster estimate) only the share carries that run's noise. The estimate's input
hash covers those runs, so it goes out of date when they change.

No writes happen here; the services store what this returns.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accord.core.errors import Problem, ValidationFailed
from accord.engine import fair as fair_engine
from accord.engine import portfolio as portfolio_engine
from accord.engine.fair import Constant, Control, InvalidScenario, Scenario, control_effects
from accord.engine.fair import parse_control as engine_control
from accord.risks import fair as risk_fair

Z90 = 1.6448536269514722
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95
# An estimate's figures come from both engines: ΔALE from fair, ROSI, NPV and payback from portfolio.
ENGINE_VERSION = f"{fair_engine.ENGINE_VERSION}, {portfolio_engine.ENGINE_VERSION}"


@dataclass(frozen=True)
class StoredRun:
    """The register's latest run of a scenario: the ALE every page states for it."""

    id: int
    mean: float
    input_hash: str


@dataclass(frozen=True)
class EffectInput:
    """One effect as the engine needs it: the scenario row's slug, name and FAIR inputs, its stored run,
    and the control."""

    slug: str
    name: str
    inputs: dict[str, Any]
    factor: str
    effectiveness: Any
    run: StoredRun | None = None


def effect_input(effect: Any, runs: dict[str, Any]) -> EffectInput:
    """An InitiativeEffect row as the estimate needs it; `runs` are the register's latest runs by id."""
    scenario = effect.scenario
    run = runs.get(scenario.slug)
    return EffectInput(slug=scenario.slug, name=scenario.name, inputs=scenario.inputs, factor=effect.factor,
                       effectiveness=effect.effectiveness,
                       run=None if run is None else StoredRun(run.pk, run.mean, run.input_hash))


@dataclass(frozen=True)
class ScenarioSaving:
    slug: str
    ale: float  # the scenario's mean annual loss from its stored run (what every page states)
    delta: float
    low: float
    high: float
    se: float
    run: int  # that stored run
    simulated_ale: float  # the estimate's own baseline, from which the share removed is measured

    @property
    def reduction(self) -> float:
        """The fraction of the scenario's ALE the initiative removes (what the optimiser uses)."""
        return min(max(self.delta / self.ale, 0.0), 1.0) if self.ale > 0 else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"ale": self.ale, "delta": self.delta, "low": self.low, "high": self.high, "se": self.se,
                "reduction": self.reduction, "run": self.run, "simulated_ale": self.simulated_ale}


@dataclass(frozen=True)
class Simulated:
    delta: float
    low: float
    high: float
    se: float
    savings: tuple[ScenarioSaving, ...]
    input_hash: str
    seed: int
    years: int
    model: str
    engine_version: str = ENGINE_VERSION


def engine_scenario(slug: str, name: str, inputs: dict[str, Any]) -> Scenario:
    """The engine's scenario from a register row's fields (the risk app's own bridge checks it)."""
    return risk_fair.check_scenario(risk_fair.scenario_mapping(slug, name, inputs))


def check_effect(effect: EffectInput, path: str = "") -> Control:
    """Refuse an effect the engine could not simulate, naming the field (`effectiveness`, `factor`)."""
    prefix = f"{path}." if path else ""
    mapping = risk_fair.scenario_mapping(effect.slug, effect.name, effect.inputs, [
        {"name": "initiative", "factor": effect.factor, "effectiveness": effect.effectiveness}])
    try:
        risk_fair.check_scenario(mapping, inputs_field="scenario.inputs.", controls_field="controls")
    except ValidationFailed as exc:
        raise ValidationFailed([
            Problem(field=prefix + p.field.removeprefix("controls[0]."), message=p.message) for p in exc.problems
        ]) from None
    return engine_control({"name": "initiative", "factor": effect.factor, "effectiveness": effect.effectiveness},
                          "effect")


def _controls(effects: Sequence[EffectInput], at: float | None) -> list[Control]:
    """The initiative's effects on one scenario as engine controls; `at` fixes each effectiveness at a quantile."""
    controls = []
    for k, effect in enumerate(effects):
        control = engine_control({"name": f"effect-{k}-{effect.factor}", "factor": effect.factor,
                                  "effectiveness": effect.effectiveness}, f"effects[{k}]")
        if at is not None:
            control = Control(control.name, control.factor, Constant(control.effectiveness.quantile(at)))
        controls.append(control)
    return controls


def input_hash(effects: Sequence[EffectInput], *, seed: int, years: int, model: str) -> str:
    spec = {
        "engine": ENGINE_VERSION, "seed": seed, "years": years, "model": model,
        "effects": sorted(
            ({"scenario": risk_fair.scenario_mapping(e.slug, e.name, e.inputs), "factor": e.factor,
              "effectiveness": e.effectiveness, "run": e.run.input_hash if e.run else None} for e in effects),
            key=lambda item: json.dumps(item, sort_keys=True),
        ),
    }
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_run(slug: str, effects: Sequence[EffectInput]) -> StoredRun:
    run = effects[0].run
    if run is None:
        raise ValidationFailed.field("effects", f"scenario {slug} has no simulation run yet; simulate it first")
    return run


def simulate(effects: Sequence[EffectInput], *, seed: int, years: int, model: str) -> Simulated:
    """ΔALE of one initiative (all its effects applied together), per scenario and in total."""
    by_scenario: dict[str, list[EffectInput]] = {}
    for effect in effects:
        by_scenario.setdefault(effect.slug, []).append(effect)
    savings = []
    try:
        for slug, group in sorted(by_scenario.items()):
            scenario = engine_scenario(slug, group[0].name, group[0].inputs)
            runs = {at: control_effects([scenario], {slug: _controls(group, at)}, years=years, seed=seed,
                                        model=model)[slug]
                    for at in (None, LOW_QUANTILE, HIGH_QUANTILE)}
            mid = runs[None]
            half = Z90 * mid.delta_mean_se
            ends = (runs[LOW_QUANTILE].delta_mean, runs[HIGH_QUANTILE].delta_mean)
            stored = _stored_run(slug, group)
            # The simulation measures shares of its own baseline; the money is those shares of the
            # stored run's ALE (a factor of exactly 1 when both use the register's seed and years).
            scale = stored.mean / mid.mean_without if mid.mean_without > 0 else 0.0
            savings.append(ScenarioSaving(
                slug=slug, ale=stored.mean, delta=mid.delta_mean * scale, se=mid.delta_mean_se * scale,
                low=min(*ends, mid.delta_mean - half) * scale, high=max(*ends, mid.delta_mean + half) * scale,
                run=stored.id, simulated_ale=mid.mean_without,
            ))
    except InvalidScenario as error:  # checked when the effect was saved; a changed scenario can get here
        raise ValidationFailed.field("effects", f"{error.path}: {error.message}") from None
    se = math.sqrt(sum(s.se ** 2 for s in savings))
    return Simulated(
        delta=sum(s.delta for s in savings), low=sum(s.low for s in savings), high=sum(s.high for s in savings),
        se=se, savings=tuple(savings), input_hash=input_hash(effects, seed=seed, years=years, model=model),
        seed=seed, years=years, model=model,
    )
