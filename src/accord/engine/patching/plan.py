"""One call for the command line and the app: greedy, the priced frontier, the point at greedy's
downtime, an optional budgeted plan, the recommended point and the emergency proposals, all within
one wall-time limit."""

from __future__ import annotations

import math
from dataclasses import dataclass

from accord.engine.patching.clock import Deadline
from accord.engine.patching.emergency import EmergencyChange, propose_emergencies
from accord.engine.patching.frontier import FrontierPoint, FrontierTracer, price_grid
from accord.engine.patching.greedy import plan_greedy
from accord.engine.patching.model import Instance, Plan
from accord.engine.patching.planner import SolveOptions, solve

RECOMMENDATION = (
    "the recommended point has the least downtime plus expected loss: from it, every point with more "
    "downtime buys less than one unit of expected loss avoided per extra unit of downtime"
)


@dataclass(frozen=True)
class PlanReport:
    budget: float | None
    greedy: Plan
    points: tuple[FrontierPoint, ...]  # by downtime cost, then expected loss
    recommended: int  # index into points
    chosen: int  # the plan shown by default: the budgeted plan when a budget was given, else recommended
    emergencies: tuple[EmergencyChange, ...]
    seconds: float
    time_limit: float
    notes: tuple[str, ...]
    frontier_asked: bool = True  # False: only the points the plan needs were traced

    @property
    def plan(self) -> Plan:
        return self.points[self.chosen].plan


def _by_downtime(point: FrontierPoint) -> tuple[float, float, float]:
    """Less downtime first; among equal plans, the dearer price of downtime first."""
    price = point.price if point.kind == "price" else -1.0
    dearness = math.inf if price is None else price
    return (point.disruption_cost, point.exposure, -dearness)


def recommend(points: list[FrontierPoint] | tuple[FrontierPoint, ...], budget: float | None = None) -> int:
    """The point with the least downtime plus expected loss (within the budget, when there is one);
    ties go to less downtime, then to the balanced price (1)."""
    allowed = [k for k, p in enumerate(points) if budget is None or p.disruption_cost <= budget * (1 + 1e-9)]
    pool = allowed or list(range(len(points)))
    return min(pool, key=lambda k: (points[k].total_cost, points[k].disruption_cost, points[k].price != 1.0))


def plan_instance(
    instance: Instance,
    *,
    budget: float | None = None,
    options: SolveOptions | None = None,
    frontier_points: int = 5,
) -> PlanReport:
    """Plan `instance`; `budget` (default: the instance's own) adds a plan under that budget and
    makes it the default; `frontier_points` priced points (0: only the recommended price, and the
    report says no frontier was asked for)."""
    options = options or SolveOptions()
    deadline = Deadline(options.time_limit)
    budget = instance.disruption_budget if budget is None else budget
    greedy = plan_greedy(instance, budget)
    tracer = FrontierTracer(instance, deadline, options.gap_tolerance)
    tracer.seed(greedy)
    prices = price_grid(frontier_points)
    # The recommended price and the point against greedy first, so a tight limit serves them.
    tasks = [tracer.trace_price(1.0), tracer.against(greedy)]
    tasks += [tracer.trace_price(price) for price in prices if price != 1.0]
    points: list[FrontierPoint] = []
    if budget is not None:
        # the budget couples the pieces: its own solver, with an even share of the time left
        budgeted = solve(instance, budget, options, warm=greedy, deadline=Deadline(deadline.share(1, 2)))
        points.append(FrontierPoint("budget", budgeted, budget=budget))
        tracer.seed(budgeted)
    tracer.branch_largest_gaps(reserve=min(1.0, 0.05 * options.time_limit))
    points.extend(tracer.point(task) for task in tasks)
    points.sort(key=_by_downtime)
    recommended = recommend(points, budget)
    chosen = next(k for k, p in enumerate(points) if p.kind == "budget") if budget is not None else recommended
    notes = [f"{len(tracer.states)} independent piece(s) by maintenance group"]
    if tracer.branched:
        notes.append(f"branch and bound on {tracer.branched} (point, piece) pair(s), largest gaps first")
    if tracer.cut_short:
        notes.append(f"{tracer.cut_short} piece(s) reached the time limit before their LP and kept the best plan known")
    return PlanReport(
        budget=budget,
        greedy=greedy,
        points=tuple(points),
        recommended=recommended,
        chosen=chosen,
        emergencies=tuple(propose_emergencies(instance, points[chosen].plan.assignment)),
        seconds=deadline.elapsed(),
        time_limit=options.time_limit,
        notes=tuple(notes),
        frontier_asked=frontier_points > 0,
    )
