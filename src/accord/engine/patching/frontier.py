"""The exposure/disruption trade-off: re-solve over a range of disruption budgets.

Budgets run from 0 up to what the unbudgeted optimum spends. Going upwards, each point's plan is
feasible for the next budget, so it warm-starts the next solve, and a point is never worse than
its predecessor: if the solver (time-limited) returns something worse, the previous plan is kept.
Hence the objective (exposure + breach penalty) never increases as the budget grows, and neither
does exposure between points with equal SLA breaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.engine.patching.greedy import plan_greedy
from accord.engine.patching.model import Instance, Plan
from accord.engine.patching.planner import SolveOptions, solve


@dataclass(frozen=True)
class FrontierPoint:
    budget: float
    plan: Plan

    @property
    def disruption_cost(self) -> float:
        return self.plan.outcome.disruption_cost

    @property
    def exposure(self) -> float:
        return self.plan.outcome.exposure

    @property
    def sla_breaches(self) -> int:
        return self.plan.outcome.sla_breaches


def trace_frontier(
    instance: Instance, points: int, options: SolveOptions, unbudgeted: Plan | None = None
) -> list[FrontierPoint]:
    """`points` frontier points (at least 2: no budget at all and the unbudgeted optimum's spend)."""
    top = unbudgeted or solve(instance, None, options)
    budgets = np.linspace(0.0, top.outcome.disruption_cost, max(points, 2))
    previous = plan_greedy(instance, 0.0)
    frontier: list[FrontierPoint] = []
    for budget in (float(b) for b in budgets):
        plan = solve(instance, budget, options, warm=previous)
        if budget >= top.outcome.disruption_cost and top.outcome.objective < plan.outcome.objective:
            plan = top
        if previous.outcome.objective < plan.outcome.objective:
            plan = previous
        frontier.append(FrontierPoint(budget, plan))
        previous = plan
    return frontier
