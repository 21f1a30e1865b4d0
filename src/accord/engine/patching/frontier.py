"""The trade-off frontier: money of downtime against money of expected loss, traced by prices.

A point's *price* says how many units of expected loss (plus breach penalties) one unit of downtime
cost must buy to be worth spending: the point's plan minimises

    expected loss + breach penalty x breaches + price x downtime cost.

Price 1 is "a euro of downtime for a euro of expected loss avoided": every plan with more downtime
buys less than a euro of avoided loss (and penalties) per extra euro of downtime, so the price-1
plan is the recommended one. Price 0 is the most protective plan (downtime is free), "no downtime"
forbids every reboot. Pricing, unlike a disruption budget, keeps the maintenance groups
independent, so each price is solved piece by piece, exactly.

One more point is always traced: the plan with **the greedy plan's downtime**. Each piece is
solved with the greedy plan's own downtime, breaches and expected loss on that piece as limits,
so the point is never worse than greedy on any of the three, and usually better on expected loss.

Every solve shares one deadline, in two phases. First every piece of every point gets its LP
relaxation (a proven bound) and a plan: the LP's own when it is integral (then optimal), else the
LP rounded into a feasible plan. Then branch and bound works on the (point, piece) pairs whose plan
is furthest from its bound, in money, until the deadline. A point is therefore always complete
and always carries an honest gap. Finally each point takes, per piece, the best of every plan
found for that piece at its own price: this makes the frontier monotone (more downtime never
comes with more expected loss plus penalties) and lets a plan found for one price help another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from accord.engine.patching.clock import Deadline
from accord.engine.patching.decompose import Piece, split_by_group
from accord.engine.patching.greedy import restrict
from accord.engine.patching.milp import NO_LIMITS, Limits, Program, relative_gap
from accord.engine.patching.model import Instance, Outcome, Plan, evaluate

NO_DOWNTIME = None  # the price that forbids every reboot

# Prices added in this order as more points are asked for; 1 (the recommended plan) always first.
_PRICE_ORDER: tuple[float | None, ...] = (1.0, NO_DOWNTIME, 0.0, 2.0, 0.5, 4.0, 0.25, 8.0, 0.125, 16.0, 0.0625)


def price_grid(points: int) -> list[float | None]:
    """`points` prices (at least 1, the recommended price), from the dearest downtime to free."""
    chosen = list(_PRICE_ORDER[: max(points, 1)])
    while len(chosen) < points:  # more points than the table: keep halving towards zero
        chosen.append(min(p for p in chosen if p) / 2)
    return sorted(chosen, key=lambda p: -math.inf if p is None else -p)


def priced(outcome: Outcome, price: float | None) -> float:
    """The objective a price point minimises."""
    return outcome.objective + (0.0 if price is None else price * outcome.disruption_cost)


@dataclass(frozen=True)
class FrontierPoint:
    kind: str  # "price", "greedy_downtime" (never worse than greedy) or "budget" (under a disruption budget)
    plan: Plan
    price: float | None = None  # for kind "price"; None there means "no downtime"
    budget: float | None = None  # for kind "budget" and "greedy_downtime": the downtime allowed

    @property
    def disruption_cost(self) -> float:
        return self.plan.outcome.disruption_cost

    @property
    def exposure(self) -> float:
        return self.plan.outcome.exposure

    @property
    def sla_breaches(self) -> int:
        return self.plan.outcome.sla_breaches

    @property
    def total_cost(self) -> float:
        """Downtime plus expected loss: the money the recommendation compares (penalties are not money)."""
        return self.disruption_cost + self.exposure


@dataclass
class _PieceState:
    piece: Piece
    program: Program | None = None
    found: list[dict[str, str | None]] = field(default_factory=list)  # every plan found (all feasible unlimited)

    def model(self) -> Program:
        if self.program is None:
            self.program = Program(self.piece.instance)
        return self.program

    def remember(self, assignment: dict[str, str | None]) -> None:
        if assignment not in self.found:
            self.found.append(assignment)

    def best_known(self, price: float | None, limits: Limits | None = None) -> dict[str, str | None]:
        best: tuple[dict[str, str | None], float] | None = None
        for assignment in self.found:
            outcome = evaluate(self.piece.instance, assignment)
            if price is NO_DOWNTIME and outcome.disruption_cost > 0:
                continue
            if limits is not None and not _within(outcome, limits):
                continue
            value = priced(outcome, price)
            if best is None or value < best[1]:
                best = (assignment, value)
        if best is None:  # deferring everything is always allowed
            return {j.id: None for j in self.piece.instance.jobs}
        return best[0]


def _within(outcome: Outcome, limits: Limits) -> bool:
    tolerance = 1e-9 * max(1.0, abs(outcome.exposure))
    return ((limits.budget is None or outcome.disruption_cost <= limits.budget * (1 + 1e-9) + 1e-9)
            and (limits.max_breaches is None or outcome.sla_breaches <= limits.max_breaches)
            and (limits.max_expected_loss is None or outcome.exposure <= limits.max_expected_loss + tolerance))


@dataclass
class _Task:
    """One point to solve on every piece: a price, or (for the greedy comparison) per-piece limits."""

    price: float | None
    limits: list[Limits] | None = None  # per piece; None: unlimited
    bounds: list[float] = field(default_factory=list)  # per piece, proven
    exact: list[bool] = field(default_factory=list)  # per piece: known optimal (within tolerance)

    def limits_of(self, k: int) -> Limits:
        return NO_LIMITS if self.limits is None else self.limits[k]


MIN_BRANCH_SECONDS = 0.02  # below this, branch and bound on a piece is not worth starting


class FrontierTracer:
    """Solves an instance piece by piece at several prices, and once against the greedy plan.

    Phase 1 gives every piece of every point its LP bound and a plan (the LP's own when integral,
    else its rounding); phase 2 spends the time left on branch and bound where the gap between
    plan and bound is largest, in money, whichever point it belongs to."""

    def __init__(self, instance: Instance, deadline: Deadline, gap_tolerance: float = 1e-3) -> None:
        self.instance = instance
        self.deadline = deadline
        self.gap_tolerance = gap_tolerance
        self.states = [_PieceState(piece) for piece in split_by_group(instance)]
        self.tasks: list[_Task] = []
        self.cut_short = 0  # piece solves the deadline stopped before their LP
        self.branched = 0

    def seed(self, plan: Plan) -> None:
        """Remember a whole plan (e.g. greedy's) as a known plan of every piece."""
        for state in self.states:
            state.remember(restrict(plan.assignment, {j.id for j in state.piece.instance.jobs}))

    def relax(self, task: _Task) -> _Task:
        """Phase 1 for one point: an LP bound and a plan for every piece."""
        for k, state in enumerate(self.states):
            limits = task.limits_of(k)
            warm = state.best_known(task.price, limits if task.limits is not None else None)
            if self.deadline.left() <= 0:
                self.cut_short += 1
                task.bounds.append(state.model().trivial_bound())
                task.exact.append(False)
                continue
            program = state.model()
            relaxed = program.relax(price=task.price, limits=limits, time_limit=self.deadline.left())
            assignment, exact = program.first_plan(relaxed, price=task.price, limits=limits, warm_start=warm)
            state.remember(assignment)
            task.bounds.append(relaxed.bound)
            task.exact.append(exact)
        self.tasks.append(task)
        return task

    def trace_price(self, price: float | None) -> _Task:
        return self.relax(_Task(price))

    def against(self, reference: Plan) -> _Task:
        """The point with no more downtime, breaches or expected loss than `reference` on any piece."""
        limits = []
        for state in self.states:
            mine = evaluate(state.piece.instance,
                            restrict(reference.assignment, {j.id for j in state.piece.instance.jobs}))
            limits.append(Limits(mine.disruption_cost, mine.sla_breaches, mine.exposure))
        return self.relax(_Task(0.0, limits))

    def _gap(self, task: _Task, k: int) -> float:
        """Money between the best plan known for piece k at this point and its proven bound."""
        state = self.states[k]
        limits = task.limits[k] if task.limits is not None else None
        value = priced(evaluate(state.piece.instance, state.best_known(task.price, limits)), task.price)
        if task.exact[k] or relative_gap(value, task.bounds[k]) <= self.gap_tolerance:
            return 0.0
        return value - task.bounds[k]

    def branch_largest_gaps(self, reserve: float = 0.0) -> None:
        """Phase 2: branch and bound on (point, piece) pairs, largest money gap first, until
        `reserve` seconds before the deadline (kept for putting the points together)."""
        open_pairs = [(gap, t, k) for t, task in enumerate(self.tasks) for k in range(len(self.states))
                      if (gap := self._gap(task, k)) > 0]
        open_pairs.sort(key=lambda item: -item[0])
        for n, (_, t, k) in enumerate(open_pairs):
            left = self.deadline.left() - reserve
            if left < MIN_BRANCH_SECONDS:
                return
            share = max(left / (len(open_pairs) - n), MIN_BRANCH_SECONDS)
            task, state = self.tasks[t], self.states[k]
            limits = task.limits_of(k)
            warm = state.best_known(task.price, limits if task.limits is not None else None)
            solution = state.model().branch(price=task.price, limits=limits, time_limit=share, warm_start=warm,
                                            gap_tolerance=self.gap_tolerance)
            self.branched += 1
            if task.limits is None or _within(evaluate(state.piece.instance, solution.assignment), limits):
                state.remember(solution.assignment)
            task.bounds[k] = max(task.bounds[k], solution.bound)

    def point(self, task: _Task) -> FrontierPoint:
        """The best known plan of every piece for this task's point (call after both phases)."""
        assignment: dict[str, str | None] = {}
        for k, state in enumerate(self.states):
            limits = task.limits[k] if task.limits is not None else None
            assignment.update(state.best_known(task.price, limits))
        outcome = evaluate(self.instance, assignment)
        value = priced(outcome, task.price)
        bound = min(sum(task.bounds), value)
        gap = relative_gap(value, bound)
        plan = Plan(assignment, outcome, "milp", bound, gap, "Optimal" if gap <= self.gap_tolerance else "")
        if task.limits is not None:
            downtime = sum(limit.budget or 0.0 for limit in task.limits)
            return FrontierPoint("greedy_downtime", plan, budget=downtime)
        return FrontierPoint("price", plan, price=task.price)
