"""Control what-if for callers outside a scenario file (the portfolio optimiser, the web app).

`control_effects` answers "what does this set of controls save on each scenario": the mean annual loss
of each scenario without and with the controls, simulated on common random numbers, so the saving is
measured without the noise of two independent simulations (and is exactly zero for a control with
zero effectiveness).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from accord.engine.fair.constants import DEFAULT_YEARS, Z90
from accord.engine.fair.engine import chunk_sizes
from accord.engine.fair.errors import InvalidScenario
from accord.engine.fair.scenario import Control, Scenario, check_control_factor
from accord.engine.fair.simulate import simulate_scenario_chunk
from accord.engine.fair.stats import Moments


@dataclass(frozen=True)
class MeanLossChange:
    scenario_id: str
    mean_without: float
    mean_with: float
    delta_mean: float
    delta_mean_se: float

    @property
    def delta_mean_ci90(self) -> tuple[float, float]:
        return (self.delta_mean - Z90 * self.delta_mean_se, self.delta_mean + Z90 * self.delta_mean_se)


def control_effects(
    scenarios: Sequence[Scenario],
    controls: Mapping[str, Sequence[Control]],
    *,
    years: int = DEFAULT_YEARS,
    seed: int,
    model: str = "event",
) -> dict[str, MeanLossChange]:
    """Per scenario id: mean annual loss without and with `controls[id]` applied together (common
    random numbers; a scenario's years are its own whatever it is correlated with, and the mean needs no pairing)."""
    changes = {}
    for scenario in scenarios:
        chosen = tuple(controls.get(scenario.id, ()))
        for i, control in enumerate(chosen):
            check_control_factor(
                control.factor,
                scenario.inputs(),
                f"scenario {scenario.id}, field controls[{i}].factor",
            )
        names = [control.name for control in chosen]
        if len(set(names)) != len(names):
            raise InvalidScenario(f"scenario {scenario.id}, field controls", "control names must be unique")
        variant = replace(scenario, controls=chosen)
        without, saving = Moments(), Moments()
        for index, size in enumerate(chunk_sizes(years)):
            chunk = simulate_scenario_chunk(variant, model, seed, index, size)
            without.add(chunk.baseline)
            if chunk.combined is not None:
                saving.add(chunk.baseline - chunk.combined)
        delta = saving.mean if chosen else 0.0
        changes[scenario.id] = MeanLossChange(
            scenario_id=scenario.id,
            mean_without=without.mean,
            mean_with=without.mean - delta,
            delta_mean=delta,
            delta_mean_se=saving.standard_error if chosen else 0.0,
        )
    return changes
