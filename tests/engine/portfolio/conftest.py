"""Shared helpers for the portfolio engine tests: an independent brute force over all subsets."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from accord.engine.portfolio.model import Instance

BruteForce = Callable[[Instance, float], tuple[np.ndarray, np.ndarray]]


def _brute_force(instance: Instance, budget: float) -> tuple[np.ndarray, np.ndarray]:
    """(feasible subsets as boolean rows, their residual ALE), every rule restated from the dataclasses.

    Written independently of the solver and of feasibility.py / residual.py.
    """
    its, scenarios = instance.initiatives, instance.scenarios
    n = len(its)
    subsets = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    index = {it.id: k for k, it in enumerate(its)}
    ok = np.ones(len(subsets), dtype=bool)
    cost = np.array([it.cost + it.annual_cost * instance.horizon_years for it in its])
    ok &= subsets @ cost <= budget + 1e-6
    for team, limit in (instance.capacity or {}).items():
        use = np.array([(it.capacity or {}).get(team, 0.0) for it in its])
        ok &= subsets @ use <= limit + 1e-9
    for k, it in enumerate(its):
        if it.mandatory:
            ok &= subsets[:, k]
        for r in it.requires:
            ok &= ~subsets[:, k] | subsets[:, index[r]]
        for x in it.excludes:
            ok &= ~(subsets[:, k] & subsets[:, index[x]])
    feasible = subsets[ok]
    column = {s.id: j for j, s in enumerate(scenarios)}
    keep = np.ones((n, len(scenarios)))
    for k, it in enumerate(its):
        for effect in it.effects:
            keep[k, column[effect.scenario]] = 1.0 - effect.reduction
    ale = np.array([s.ale for s in scenarios])
    factors = np.where(feasible[:, :, None], keep[None, :, :], 1.0).prod(axis=1)  # (subsets, scenarios)
    return feasible, factors @ ale


@pytest.fixture
def brute_force() -> BruteForce:
    return _brute_force
