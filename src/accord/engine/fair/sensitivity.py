"""Tornado sensitivity: each input swung from its 10th to its 90th percentile, one at a time.

Every run uses the scenario's own seed branch and each input has its own random stream, so fixing
one input to a percentile leaves every other draw as it was (common random numbers): the differences
between bars are effects of the inputs, not simulation noise.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.engine.fair.distributions import Constant
from accord.engine.fair.engine import mean_annual_loss
from accord.engine.fair.scenario import Scenario

TORNADO_YEARS = 50_000


@dataclass(frozen=True)
class TornadoBar:
    input: str
    low_value: float
    high_value: float
    mean_at_low: float
    mean_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.mean_at_high - self.mean_at_low)


@dataclass(frozen=True)
class Tornado:
    scenario_id: str
    base_mean: float
    bars: tuple[TornadoBar, ...]  # largest swing first


def tornado(
    scenario: Scenario,
    *,
    seed: int,
    years: int = TORNADO_YEARS,
    model: str = "event",
    low: float = 0.10,
    high: float = 0.90,
) -> Tornado:
    """Mean annual loss with each uncertain input fixed at its `low` and `high` percentiles."""
    bars = []
    for name, dist in scenario.inputs().items():
        if dist.is_constant:
            continue
        low_value, high_value = dist.quantile(low), dist.quantile(high)
        at_low = mean_annual_loss(
            scenario.with_input(name, Constant(low_value)), years=years, seed=seed, model=model
        )
        at_high = mean_annual_loss(
            scenario.with_input(name, Constant(high_value)), years=years, seed=seed, model=model
        )
        bars.append(TornadoBar(name, low_value, high_value, at_low, at_high))
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    base = mean_annual_loss(scenario, years=years, seed=seed, model=model)
    return Tornado(scenario.id, base, tuple(bars))
