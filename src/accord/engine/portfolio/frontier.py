"""The spend-versus-risk frontier: the best selection over a range of budgets.

Budgets run from the cost of the forced initiatives (mandatory plus what they require) to the cost
of the best unconstrained selection, beyond which more money buys nothing. They are solved in
increasing order, each solve starting from the previous selection (still feasible with more
money), so the residual never rises along the frontier. A final pass makes the points monotone in
spend too: when a later selection is both cheaper than an earlier budget and at least as good, it
replaces the earlier one (a within-gap solution was beaten).

Break-even, decided here and documented in docs/portfolio.md: the loss reduction bought by a
selection is counted over the same horizon as its cost, undiscounted (ALE reduction x horizon_years,
against spend = one-off + annual x years). The break-even point is the frontier point with the
largest net benefit, reduction x years - spend; past it, the frontier's next euro buys less than a
euro of loss reduction. Gordon-Loeb: a firm should not spend more than 1/e (about 36.8%) of the
expected loss on protecting it; over the horizon that ceiling is total ALE x years / e.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from accord.engine.portfolio.milp import PortfolioSolver, SolverOptions, reduction_gap
from accord.engine.portfolio.model import Instance, Selection
from accord.engine.portfolio.residual import selection_mask

GORDON_LOEB_SHARE = 1 / math.e


@dataclass(frozen=True)
class FrontierPoint:
    budget: float
    spend: float
    residual_ale: float
    risk_reduction: float
    gap: float
    selected: tuple[str, ...]
    marginal_return: float | None  # euros of loss reduction over the horizon per euro since the last point


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]
    total_ale: float
    horizon_years: int
    break_even: int  # index into points
    gordon_loeb_ceiling: float  # spend over the horizon: total ALE x years / e

    @property
    def break_even_point(self) -> FrontierPoint:
        return self.points[self.break_even]


def frontier_budgets(solver: PortfolioSolver, n_points: int) -> tuple[list[float], Selection]:
    """`n_points` evenly spaced budgets from the forced cost to the cost of the best selection."""
    if n_points < 2:
        raise ValueError("a frontier needs at least 2 points")
    instance = solver.instance
    forced_cost = float(instance.horizon_costs[solver.forced_mask].sum())
    everything = solver.solve(float(instance.horizon_costs.sum()))
    return list(np.linspace(forced_cost, max(everything.cost, forced_cost), n_points)), everything


def compute_frontier(
    instance: Instance,
    n_points: int,
    options: SolverOptions | None = None,
    *,
    solver: PortfolioSolver | None = None,
    budgets: list[float] | None = None,
) -> Frontier:
    solver = solver or PortfolioSolver(instance, options)
    top: Selection | None = None
    if budgets is None:
        budgets, top = frontier_budgets(solver, n_points)
    budgets = sorted(budgets)

    selections: list[Selection] = []
    previous = None
    for k, budget in enumerate(budgets):
        start = previous
        if top is not None and k == len(budgets) - 1:
            start = selection_mask(instance, top.selected)  # the unconstrained best fits the top budget
        selection = solver.solve(budget, start=start)
        selections.append(selection)
        previous = selection_mask(instance, selection.selected)
    selections = _repair_dominated(selections, instance.total_ale)
    return _assemble(instance, selections)


def _repair_dominated(selections: list[Selection], total_ale: float) -> list[Selection]:
    """Where a later selection fits an earlier budget and is no worse, use it there too."""
    repaired = list(selections)
    for k in range(len(repaired) - 2, -1, -1):
        later, here = repaired[k + 1], repaired[k]
        if later.cost <= here.budget * (1 + 1e-9) and later.residual_ale <= here.residual_ale:
            lower = here.residual_lower_bound
            gap = reduction_gap(later.residual_ale / total_ale, lower / total_ale) if total_ale > 0 else 0.0
            repaired[k] = replace(later, budget=here.budget, residual_lower_bound=lower, gap=gap)
    return repaired


def _assemble(instance: Instance, selections: list[Selection]) -> Frontier:
    years = instance.horizon_years
    points = []
    for k, sel in enumerate(selections):
        marginal = None
        if k > 0:
            spent = sel.cost - selections[k - 1].cost
            bought = (sel.risk_reduction - selections[k - 1].risk_reduction) * years
            marginal = bought / spent if spent > 0 else None
        points.append(
            FrontierPoint(
                budget=sel.budget,
                spend=sel.cost,
                residual_ale=sel.residual_ale,
                risk_reduction=sel.risk_reduction,
                gap=sel.gap,
                selected=sel.selected,
                marginal_return=marginal,
            )
        )
    net = [p.risk_reduction * years - p.spend for p in points]
    break_even = max(range(len(points)), key=lambda k: (net[k], -points[k].spend))
    return Frontier(
        points=tuple(points),
        total_ale=instance.total_ale,
        horizon_years=years,
        break_even=break_even,
        gordon_loeb_ceiling=instance.total_ale * years * GORDON_LOEB_SHARE,
    )
