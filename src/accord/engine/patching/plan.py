"""One call for the command line and the app: greedy, MILP, optional frontier, emergencies."""

from __future__ import annotations

from dataclasses import dataclass

from accord.engine.patching.emergency import EmergencyChange, propose_emergencies
from accord.engine.patching.frontier import FrontierPoint, trace_frontier
from accord.engine.patching.greedy import plan_greedy
from accord.engine.patching.model import Instance, Plan
from accord.engine.patching.planner import SolveOptions, solve


@dataclass(frozen=True)
class PlanReport:
    budget: float | None
    greedy: Plan
    plan: Plan
    frontier: tuple[FrontierPoint, ...] | None
    emergencies: tuple[EmergencyChange, ...]


def plan_instance(
    instance: Instance,
    *,
    budget: float | None = None,
    options: SolveOptions | None = None,
    frontier_points: int = 0,
) -> PlanReport:
    """Plan `instance` under `budget` (default: the instance's own disruption_budget)."""
    options = options or SolveOptions()
    budget = instance.disruption_budget if budget is None else budget
    greedy = plan_greedy(instance, budget)
    plan = solve(instance, budget, options, warm=greedy)
    frontier = None
    if frontier_points > 0:
        unbudgeted = plan if budget is None else None
        frontier = tuple(trace_frontier(instance, frontier_points, options, unbudgeted=unbudgeted))
    return PlanReport(
        budget=budget,
        greedy=greedy,
        plan=plan,
        frontier=frontier,
        emergencies=tuple(propose_emergencies(instance, plan.assignment)),
    )
