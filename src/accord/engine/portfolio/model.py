"""The portfolio's vocabulary as frozen dataclasses.

Modelling decisions (also in docs/portfolio.md):

* An effect says "this initiative removes `reduction` (a fraction in [0, 1]) of that scenario's
  annualised loss". Effects do not add up: the residual ALE of a scenario under a set S of
  initiatives is ALE x prod over i in S of (1 - reduction_i).
* The budget constrains the total cost over the horizon: one-off cost + annual cost x horizon_years,
  undiscounted, summed over the selected initiatives.
* `requires` and `excludes` are symmetric in the way you expect: "a requires b" forbids a without b;
  "a excludes b" forbids a together with b (whichever side names it). A cycle of requires is a
  bundle (all or none). `mandatory` initiatives are always selected, with everything they require.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Scenario:
    id: str
    ale: float  # annualised loss expectancy before any initiative of the portfolio


@dataclass(frozen=True)
class Effect:
    scenario: str
    reduction: float  # fraction of the scenario's ALE removed, in [0, 1]


@dataclass(frozen=True)
class Initiative:
    id: str
    cost: float  # one-off
    annual_cost: float = 0.0
    capacity: Mapping[str, float] | None = None  # team -> units consumed
    effects: tuple[Effect, ...] = ()
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    mandatory: bool = False

    def horizon_cost(self, horizon_years: int) -> float:
        """What the initiative takes from the budget: one-off plus annual running cost x years."""
        return self.cost + self.annual_cost * horizon_years


@dataclass(frozen=True)
class Instance:
    scenarios: tuple[Scenario, ...]
    initiatives: tuple[Initiative, ...]
    horizon_years: int
    capacity: Mapping[str, float] | None = None  # team -> units available
    discount_rate: float = 0.0

    @cached_property
    def scenario_index(self) -> dict[str, int]:
        return {s.id: k for k, s in enumerate(self.scenarios)}

    @cached_property
    def initiative_index(self) -> dict[str, int]:
        return {it.id: k for k, it in enumerate(self.initiatives)}

    @cached_property
    def ale(self) -> np.ndarray:
        """ALE per scenario, shape (m,)."""
        return np.array([s.ale for s in self.scenarios], dtype=float)

    @cached_property
    def total_ale(self) -> float:
        return float(self.ale.sum())

    @cached_property
    def reductions(self) -> np.ndarray:
        """Reduction of initiative i on scenario s, shape (n, m), zero where it has no effect."""
        matrix = np.zeros((len(self.initiatives), len(self.scenarios)))
        for i, initiative in enumerate(self.initiatives):
            for effect in initiative.effects:
                matrix[i, self.scenario_index[effect.scenario]] = effect.reduction
        matrix.setflags(write=False)
        return matrix

    @cached_property
    def horizon_costs(self) -> np.ndarray:
        """Budget taken by each initiative over the horizon, shape (n,)."""
        costs = np.array([it.horizon_cost(self.horizon_years) for it in self.initiatives], dtype=float)
        costs.setflags(write=False)
        return costs

    @cached_property
    def forced(self) -> frozenset[str]:
        """Mandatory initiatives and everything they require, transitively: always selected."""
        return requirement_closure(self, [it.id for it in self.initiatives if it.mandatory])

    def excluded_pairs(self) -> set[frozenset[str]]:
        return {frozenset((it.id, other)) for it in self.initiatives for other in it.excludes}


def requirement_closure(instance: Instance, start: list[str]) -> frozenset[str]:
    """The ids in `start` plus everything they require, transitively."""
    by_id = {it.id: it for it in instance.initiatives}
    seen: set[str] = set()
    todo = list(start)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(by_id[current].requires)
    return frozenset(seen)


@dataclass(frozen=True)
class Selection:
    """A solved selection and how far from optimal it may be.

    `gap` is relative to the objective maximised, the risk reduction:
    (upper bound on reduction - reduction achieved) / reduction achieved. The upper bound comes from
    the MILP's dual bound on the tangent (outer) approximation, which never overstates the residual,
    so the gap is a guarantee on the true multiplicative objective, not on the linearised one.
    """

    selected: tuple[str, ...]
    cost: float  # total over the horizon
    residual_ale: float  # exact multiplicative residual of the selected set
    risk_reduction: float  # total ALE - residual ALE
    gap: float
    budget: float
    residual_lower_bound: float
    rounds: int  # outer-approximation rounds (MILP solves)
