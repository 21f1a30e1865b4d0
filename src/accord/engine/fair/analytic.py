"""Closed-form mean annual loss, reported beside the simulated mean as a check.

Mean annual loss = E[frequency] x E[vulnerability] x (E[primary] + E[SLEF] x E[secondary]), because the
yearly draws are independent and events within a year are exchangeable (Wald's identity). Controls
scale their factor's mean by (1 - E[effectiveness]). Two pieces have no elementary closed form and
are computed by one-dimensional quadrature: P(threat capability > resistance strength) and, for
Bernoulli years, E[min(frequency, 1)].
"""

from __future__ import annotations

import numpy as np
from scipy import integrate

from accord.engine.fair.distributions import Distribution
from accord.engine.fair.scenario import Control, Scenario


def prob_capability_exceeds(capability: Distribution, resistance: Distribution) -> float:
    """P(TC > RS) for independent draws: the integral over u of P(RS < TC quantile(u))."""
    if capability.is_constant and resistance.is_constant:
        return float(capability.mean() > resistance.mean())
    if resistance.is_constant:
        return 1.0 - float(capability.cdf(np.array([resistance.mean()]))[0])
    if capability.is_constant:
        return float(resistance.cdf(np.array([capability.mean()]))[0])
    value, _ = integrate.quad(
        lambda u: float(resistance.cdf(capability.ppf(np.array([u])))[0]), 0.0, 1.0, limit=200
    )
    return float(value)


def capped_mean(dist: Distribution, cap: float = 1.0) -> float:
    """E[min(X, cap)] = integral from 0 to cap of P(X > x) dx, for X >= 0."""
    if dist.support()[1] <= cap:
        return dist.mean()
    if dist.is_constant:
        return min(dist.mean(), cap)
    value, _ = integrate.quad(lambda x: 1.0 - float(dist.cdf(np.array([x]))[0]), 0.0, cap, limit=200)
    return float(value)


def _remaining(controls: tuple[Control, ...], factors: tuple[str, ...]) -> float:
    result = 1.0
    for control in controls:
        if control.factor in factors:
            result *= 1.0 - control.effectiveness.mean()
    return result


def analytic_mean(scenario: Scenario, model: str, controls: tuple[Control, ...] = ()) -> float:
    """Exact mean annual loss of `scenario` under `model`, with `controls` applied."""
    if scenario.events == "bernoulli":  # both year models cap the yearly frequency at one event
        frequency = capped_mean(scenario.frequency)
    else:
        frequency = scenario.frequency.mean()
    if scenario.vulnerability is not None:
        frequency *= scenario.vulnerability.mean()
    elif scenario.threat_capability is not None and scenario.resistance_strength is not None:
        frequency *= prob_capability_exceeds(scenario.threat_capability, scenario.resistance_strength)
    frequency *= _remaining(controls, ("tef", "lef", "vulnerability"))
    return frequency * mean_loss_per_event(scenario, controls)


def mean_loss_per_event(scenario: Scenario, controls: tuple[Control, ...] = ()) -> float:
    """Expected loss of one loss event: E[primary] + E[SLEF] x E[secondary], with `controls` applied."""
    magnitude = scenario.primary_loss.mean() * _remaining(controls, ("primary_loss",))
    if scenario.secondary_loss is not None and scenario.secondary_loss_event_frequency is not None:
        magnitude += (
            scenario.secondary_loss_event_frequency.mean()
            * _remaining(controls, ("secondary_loss_event_frequency",))
            * scenario.secondary_loss.mean()
            * _remaining(controls, ("secondary_loss",))
        )
    return magnitude
