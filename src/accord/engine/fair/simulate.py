"""Simulating one chunk of years for one scenario, always from the scenario's own random streams.

Year models
-----------
`event`: each year draws its frequency (TEF or LEF), its vulnerability probability and its secondary
frequency; the number of loss events is Poisson (or one Bernoulli trial with `events: bernoulli`);
every loss event draws its own primary loss and, with the year's secondary probability, its own
secondary loss; the year's loss is their sum. With threat capability and resistance strength the
threat events are drawn and each one compares its own two draws (never a single collapsed number).
Everything is vectorised over the whole chunk: counts per year, then all events of the chunk in one
vector, summed back per year with `np.bincount`.

`rate`: one draw of each factor per year and annual loss = LEF x (primary + SLEF x secondary), the
way pyfair and spreadsheet models work. Same mean, different tail and P(no loss). A rate-model year is
the event model's expected loss given that year's draws, so under `events: bernoulli` the frequency is
capped at 1 before the vulnerability, as in the event model: a year never loses more than one event.

Correlated scenarios are simulated here exactly as alone; `portfolio.reorder` pairs their years.

Controls
--------
A control scales one factor by (1 - effectiveness), effectiveness drawn per year from its own stream.
On frequency factors (tef, lef, vulnerability) the event model thins the baseline's loss events (each
kept with probability 1 - e, which is exactly a Poisson or Bernoulli with the scaled rate), on the
secondary frequency it lowers the threshold each event's secondary uniform is compared to, on losses
it scales each event's loss. The controlled years are computed from the very same draws as the
baseline (common random numbers), so a control with zero effectiveness reproduces it bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.engine.fair.distributions import Distribution
from accord.engine.fair.randomness import Streams
from accord.engine.fair.scenario import Control, Scenario

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
FREQUENCY_FACTORS = ("tef", "lef", "vulnerability")
# Rates up to this use inversion in poisson_counts; larger ones numpy's own (constant-time) sampler.
INVERSION_MAX_RATE = 10.0


def poisson_counts(rng: np.random.Generator, rate: FloatArray) -> IntArray:
    """Poisson(rate[i]) counts by inversion: K is the first k with u <= P(X <= k).

    Exact (the same distribution as numpy's sampler, to rounding) and faster for the small yearly
    rates of loss events, because the work is vectorised over the years still undecided after k
    steps, which shrink geometrically. Rates above INVERSION_MAX_RATE are drawn by numpy."""
    u = rng.random(rate.size)
    counts = np.zeros(rate.size, dtype=np.int64)
    large = rate > INVERSION_MAX_RATE
    if large.any():
        counts[large] = rng.poisson(rate[large])
    probability = np.exp(-rate)  # P(X = 0)
    undecided = u > probability
    if large.any():
        undecided &= ~large
    years = np.flatnonzero(undecided)
    cumulative = probability[years]
    probability = cumulative.copy()
    u, active_rate = u[years], rate[years]
    k = 0
    while years.size:
        k += 1
        counts[years] = k
        probability *= active_rate
        probability /= k
        cumulative += probability
        # A u above every cumulative value rounding allows stops once the terms underflow.
        more = (u > cumulative) & (probability > 0.0)
        years, cumulative, probability = years[more], cumulative[more], probability[more]
        u, active_rate = u[more], active_rate[more]
    return counts


@dataclass(frozen=True)
class Events:
    """Events of a chunk: the year each falls in."""

    year: IntArray

    @classmethod
    def from_counts(cls, counts: IntArray) -> Events:
        return cls(np.repeat(np.arange(counts.size, dtype=np.intp), counts))

    def subset(self, mask: NDArray[np.bool_]) -> Events:
        return Events(self.year[mask])

    @property
    def size(self) -> int:
        return int(self.year.size)


class Draws:
    """A scenario's random inputs for one chunk: numpy's own samplers, one stream per role."""

    def __init__(self, streams: Streams, years: int) -> None:
        self.streams = streams
        self.years = years

    def year(self, role: str, dist: Distribution) -> FloatArray:
        if dist.is_constant:
            return np.full(self.years, dist.mean())
        return dist.sample(self.streams.rng("year", role), self.years)

    def counts(self, rate: FloatArray, bernoulli: bool) -> IntArray:
        rng = self.streams.rng("count")
        if bernoulli:
            return (rng.random(self.years) < np.minimum(rate, 1.0)).astype(np.int64)
        return poisson_counts(rng, rate)

    def event(self, role: str, dist: Distribution, events: Events) -> FloatArray:
        if dist.is_constant:
            return np.full(events.size, dist.mean())
        return dist.sample(self.streams.rng("event", role), events.size)

    def event_uniform(self, role: str, events: Events) -> FloatArray:
        return self.streams.rng("event", role).random(events.size)


# ---- one scenario ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearDraws:
    """The per-year draws of the event model and the resulting base event counts."""

    counts: IntArray
    secondary_probability: FloatArray | None


@dataclass(frozen=True)
class LossEvents:
    """The loss events of one chunk with their own draws."""

    events: Events
    primary: FloatArray
    secondary: FloatArray | None
    secondary_uniform: FloatArray | None
    secondary_probability: FloatArray | None


def draw_frequency(scenario: Scenario, draws: Draws) -> FloatArray:
    """The year's TEF or LEF; under `events: bernoulli` a yearly probability, so at most 1."""
    frequency = draws.year("frequency", scenario.frequency)
    return np.minimum(frequency, 1.0) if scenario.events == "bernoulli" else frequency


def draw_years(scenario: Scenario, draws: Draws) -> YearDraws:
    bernoulli = scenario.events == "bernoulli"
    rate = draw_frequency(scenario, draws)
    if scenario.vulnerability is not None:
        # Thinning: loss events of a Poisson(TEF) stream kept with probability V are Poisson(TEF x V).
        rate = rate * draws.year("vulnerability", scenario.vulnerability)
    secondary = None
    if scenario.secondary_loss_event_frequency is not None:
        secondary = draws.year("secondary_loss_event_frequency", scenario.secondary_loss_event_frequency)
    return YearDraws(draws.counts(rate, bernoulli), secondary)


def draw_loss_events(scenario: Scenario, years: YearDraws, draws: Draws) -> LossEvents:
    events = Events.from_counts(years.counts)
    if scenario.threat_capability is not None and scenario.resistance_strength is not None:
        # The counted events are threat events; each becomes a loss event when its own threat
        # capability draw beats its own resistance strength draw.
        capability = draws.event("threat_capability", scenario.threat_capability, events)
        resistance = draws.event("resistance_strength", scenario.resistance_strength, events)
        events = events.subset(capability > resistance)
    primary = draws.event("primary_loss", scenario.primary_loss, events)
    secondary = secondary_uniform = None
    if scenario.secondary_loss is not None:
        secondary_uniform = draws.event_uniform("secondary_occurrence", events)
        secondary = draws.event("secondary_loss", scenario.secondary_loss, events)
    return LossEvents(events, primary, secondary, secondary_uniform, years.secondary_probability)


@dataclass(frozen=True)
class Effect:
    """How a set of controls acts on a chunk: a keep mask on loss events and per-year multipliers."""

    keep: NDArray[np.bool_] | None = None
    primary: FloatArray | None = None
    secondary: FloatArray | None = None
    secondary_probability: FloatArray | None = None
    frequency: FloatArray | None = None
    vulnerability: FloatArray | None = None


def _times(a: FloatArray | None, b: FloatArray) -> FloatArray:
    return b if a is None else a * b


def control_effect(
    controls: tuple[Control, ...], streams: Streams, years: int, loss_events: Events | None
) -> Effect:
    """The combined effect of `controls` (each drawing from its own streams, whatever it is combined with)."""
    keep = None
    multipliers: dict[str, FloatArray | None] = dict.fromkeys(
        ("primary", "secondary", "secondary_probability", "frequency", "vulnerability")
    )
    for control in controls:
        remaining = 1.0 - control.effectiveness.sample(streams.rng("control", control.name, "effect"), years)
        if control.factor in FREQUENCY_FACTORS and loss_events is not None:
            u = streams.rng("control", control.name, "keep").random(loss_events.size)
            kept = u < remaining[loss_events.year]
            keep = kept if keep is None else keep & kept
            continue
        target = {
            "primary_loss": "primary",
            "secondary_loss": "secondary",
            "secondary_loss_event_frequency": "secondary_probability",
            "tef": "frequency",
            "lef": "frequency",
            "vulnerability": "vulnerability",
        }[control.factor]
        multipliers[target] = _times(multipliers[target], remaining)
    return Effect(keep=keep, **multipliers)


def _scaled(values: FloatArray, multiplier: FloatArray | None) -> FloatArray:
    return values if multiplier is None else values * multiplier


def event_annual_losses(loss: LossEvents, years: int, effect: Effect) -> FloatArray:
    year = loss.events.year
    amounts = _scaled(loss.primary, None if effect.primary is None else effect.primary[year])
    if loss.secondary is not None:
        assert loss.secondary_probability is not None and loss.secondary_uniform is not None  # noqa: S101
        threshold = _scaled(loss.secondary_probability, effect.secondary_probability)[year]
        secondary = _scaled(loss.secondary, None if effect.secondary is None else effect.secondary[year])
        amounts = amounts + np.where(loss.secondary_uniform < threshold, secondary, 0.0)
    if effect.keep is not None:
        amounts = np.where(effect.keep, amounts, 0.0)
    return np.asarray(np.bincount(year, weights=amounts, minlength=years), dtype=np.float64)


@dataclass(frozen=True)
class RateDraws:
    frequency: FloatArray
    vulnerability: FloatArray | None
    primary: FloatArray
    secondary_probability: FloatArray | None
    secondary: FloatArray | None


def draw_rate_years(scenario: Scenario, draws: Draws) -> RateDraws:
    vulnerability = None
    if scenario.vulnerability is not None:
        vulnerability = draws.year("vulnerability", scenario.vulnerability)
    elif scenario.threat_capability is not None and scenario.resistance_strength is not None:
        capability = draws.year("threat_capability", scenario.threat_capability)
        resistance = draws.year("resistance_strength", scenario.resistance_strength)
        vulnerability = (capability > resistance).astype(np.float64)
    secondary_probability = secondary = None
    if scenario.secondary_loss is not None and scenario.secondary_loss_event_frequency is not None:
        secondary_probability = draws.year(
            "secondary_loss_event_frequency", scenario.secondary_loss_event_frequency
        )
        secondary = draws.year("secondary_loss", scenario.secondary_loss)
    return RateDraws(
        frequency=draw_frequency(scenario, draws),
        vulnerability=vulnerability,
        primary=draws.year("primary_loss", scenario.primary_loss),
        secondary_probability=secondary_probability,
        secondary=secondary,
    )


def rate_annual_losses(draws: RateDraws, effect: Effect) -> FloatArray:
    frequency = _scaled(draws.frequency, effect.frequency)
    if draws.vulnerability is not None:
        frequency = frequency * _scaled(draws.vulnerability, effect.vulnerability)
    magnitude = _scaled(draws.primary, effect.primary)
    if draws.secondary is not None and draws.secondary_probability is not None:
        probability = _scaled(draws.secondary_probability, effect.secondary_probability)
        magnitude = magnitude + probability * _scaled(draws.secondary, effect.secondary)
    return np.asarray(frequency * magnitude)


@dataclass(frozen=True)
class ScenarioChunk:
    """Annual losses of one chunk: baseline, each control alone, and all controls together."""

    baseline: FloatArray
    per_control: tuple[FloatArray, ...] = ()
    combined: FloatArray | None = None


def _with_controls(
    scenario: Scenario,
    streams: Streams,
    years: int,
    loss_events: Events | None,
    annual: Callable[[Effect], FloatArray],
) -> ScenarioChunk:
    baseline = annual(Effect())
    if not scenario.controls:
        return ScenarioChunk(baseline)
    per_control = tuple(
        annual(control_effect((control,), streams, years, loss_events)) for control in scenario.controls
    )
    if len(scenario.controls) == 1:
        combined = per_control[0]
    else:
        combined = annual(control_effect(scenario.controls, streams, years, loss_events))
    return ScenarioChunk(baseline, per_control, combined)


def simulate_scenario_chunk(
    scenario: Scenario, model: str, seed: int, chunk: int, years: int
) -> ScenarioChunk:
    """One chunk of a scenario, from the scenario's own streams (the same whatever else is simulated)."""
    streams = Streams(seed, f"scenario:{scenario.id}", chunk)
    draws = Draws(streams, years)
    if model == "rate":
        rate = draw_rate_years(scenario, draws)
        return _with_controls(scenario, streams, years, None, lambda effect: rate_annual_losses(rate, effect))
    loss = draw_loss_events(scenario, draw_years(scenario, draws), draws)
    return _with_controls(
        scenario, streams, years, loss.events, lambda effect: event_annual_losses(loss, years, effect)
    )
