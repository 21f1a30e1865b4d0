"""Budget-optimal selection: a MILP in log space solved by HiGHS, closed by outer approximation.

The objective is to minimise the true residual sum_s ALE_s x exp(y_s), where
y_s = sum_i log(1 - reduction_is) x_i is *linear* in the binaries x. Only exp is nonlinear, and it
is convex, so its tangents lie below it: with t_s >= every tangent of ALE_s x exp at chosen points,
the MILP "minimise sum_s t_s" never overstates the residual and its dual bound is a valid lower
bound for the true problem. After each solve the true residual of the incumbent is re-evaluated
exactly (residual.py), tangents are added at the incumbent's y_s (where the model undershot) and the
MILP is solved again, until the gap between the best true residual and the lower bound is within the
tolerance. Each round starts from the best selection found so far.

Internally the objective is scaled to fractions of the total ALE and offset by -1 so HiGHS minimises
-(risk reduction): its own relative gap is then relative to the reduction, as is ours.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np

from accord.engine.portfolio.errors import InfeasibleBudget
from accord.engine.portfolio.feasibility import selection_cost
from accord.engine.portfolio.model import Instance, Selection
from accord.engine.portfolio.residual import residual_ale, selection_mask

# A reduction of exactly 1 has log(0) = -inf; clamp each factor at 1e-12 of the loss. The error is at
# most 1e-12 x ALE per scenario, far below any tolerance, and the exact residual is reported anyway.
_LOG_FLOOR = math.log(1e-12)
# Tangents below this log-residual (0.03% of a scenario's ALE left) add nothing useful: t >= 0 is
# the tangent at -infinity.
_GRID_BOTTOM = -8.0
_INF = highspy.kHighsInf


@dataclass(frozen=True)
class SolverOptions:
    gap: float = 1e-3  # target relative gap on the risk reduction
    time_limit: float | None = None  # seconds for one optimisation, all rounds included
    max_rounds: int = 50
    grid_step: float = 0.5  # spacing of the initial tangents in log-residual (error <= step^2/8)


class PortfolioSolver:
    """One HiGHS model per instance, re-used across budgets (the frontier) and across rounds.

    Tangent cuts are valid for every budget, so they accumulate and later solves start tighter.
    """

    def __init__(self, instance: Instance, options: SolverOptions | None = None) -> None:
        self.instance = instance
        self.options = options or SolverOptions()
        n, m = len(instance.initiatives), len(instance.scenarios)
        self.n, self.m = n, m
        total = instance.total_ale
        self.weights = instance.ale / total if total > 0 else np.zeros(m)
        with np.errstate(divide="ignore"):
            self.log_keep = np.maximum(np.log1p(-instance.reductions), _LOG_FLOOR)  # (n, m), <= 0
        self.y_floor = self.log_keep.sum(axis=0)  # most negative y_s reachable
        self.forced_mask = selection_mask(instance, instance.forced)
        self.cost_scale = max(float(instance.horizon_costs.max(initial=0.0)), 1.0)
        self.cut_points: list[set[float]] = [set() for _ in range(m)]
        self.cut_sets: set[bytes] = set()  # selections the model has been made exact at
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_abs_gap", 1e-12)
        self._build()

    # -- columns: x_i (binary), y_s = log residual fraction, t_s >= weight_s x exp(y_s) -------------

    def _x(self, i: int) -> int:
        return i

    def _y(self, s: int) -> int:
        return self.n + s

    def _t(self, s: int) -> int:
        return self.n + self.m + s

    def _build(self) -> None:
        n, m, inst = self.n, self.m, self.instance
        lower = np.concatenate([self.forced_mask.astype(float), self.y_floor, np.zeros(m)])
        upper = np.concatenate([np.ones(n), np.zeros(m), self.weights])
        cost = np.concatenate([np.zeros(n + m), np.ones(m)])
        h = self.highs
        h.addCols(
            n + 2 * m, cost, lower, upper, 0, np.array([], np.int32), np.array([], np.int32), np.array([])
        )
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger, np.uint8)
        )
        h.changeObjectiveOffset(-1.0)

        rows = _Rows()
        for s in range(m):  # y_s - sum_i log_keep_is x_i = 0
            affecting = np.flatnonzero(self.log_keep[:, s])
            rows.add([self._y(s), *affecting], [1.0, *(-self.log_keep[affecting, s])], 0.0, 0.0)
        self.budget_row = rows.count
        rows.add(list(range(n)), list(inst.horizon_costs / self.cost_scale), -_INF, _INF)
        for team, limit in (inst.capacity or {}).items():
            use = [(i, (it.capacity or {}).get(team, 0.0)) for i, it in enumerate(inst.initiatives)]
            use = [(i, u) for i, u in use if u > 0]
            if use:
                rows.add([i for i, _ in use], [u for _, u in use], -_INF, limit)
        index = inst.initiative_index
        for i, it in enumerate(inst.initiatives):
            for required in it.requires:  # x_i <= x_j
                rows.add([i, index[required]], [1.0, -1.0], -_INF, 0.0)
        for pair in inst.excluded_pairs():  # x_a + x_b <= 1
            a, b = (index[k] for k in pair)
            rows.add([a, b], [1.0, 1.0], -_INF, 1.0)
        rows.flush(h)

        for s in range(m):
            bottom = max(self.y_floor[s], _GRID_BOTTOM)
            steps = math.ceil(-bottom / self.options.grid_step - 1e-9)
            points = np.linspace(0.0, bottom, steps + 1) if steps > 0 else np.zeros(1)
            for point in points:
                self._add_tangent(rows, s, float(point))
        rows.flush(h)

    def _add_tangent(self, rows: _Rows, s: int, point: float) -> bool:
        point = round(point, 12)
        if point in self.cut_points[s]:
            return False
        self.cut_points[s].add(point)
        slope = self.weights[s] * math.exp(point)  # t_s >= w e^p (1 + y_s - p)
        rows.add([self._t(s), self._y(s)], [1.0, -slope], slope * (1.0 - point), _INF)
        return True

    # -- solving --------------------------------------------------------------------------------------

    def solve(self, budget: float, start: np.ndarray | None = None) -> Selection:
        """Best selection for `budget` (total cost over the horizon); `start` is a warm-start mask."""
        inst, opts = self.instance, self.options
        forced_cost = float(inst.horizon_costs[self.forced_mask].sum())
        if budget < 0 or not math.isfinite(budget):
            raise InfeasibleBudget(budget, forced_cost)
        if forced_cost > budget * (1 + 1e-9):
            raise InfeasibleBudget(budget, forced_cost)
        self.highs.changeRowBounds(self.budget_row, -_INF, budget / self.cost_scale)

        best = self.forced_mask.copy()
        if start is not None and selection_cost(inst, _ids(inst, start)) <= budget * (1 + 1e-9):
            best = start.copy()
            self._cut_at(best)
        best_residual = self._residual_fraction(best)
        lower_bound = 0.0
        deadline = None if opts.time_limit is None else time.monotonic() + opts.time_limit
        rounds = 0
        gap = reduction_gap(best_residual, lower_bound)
        use_start = True
        while rounds < opts.max_rounds:
            rounds += 1
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.highs.setOptionValue("time_limit", remaining)
            # Round one only looks for a good incumbent (a loose gap is cheap); the cuts added there
            # make the model exact around it. Later rounds ask HiGHS for most of the tolerance and
            # keep a fifth for what the cuts may still miss at a new incumbent.
            loose = rounds == 1 and start is None
            self.highs.setOptionValue("mip_rel_gap", max(10 * opts.gap, 0.01) if loose else 0.8 * opts.gap)
            if use_start:
                self._warm_start(best)
            else:
                self.highs.clearSolver()
            self.highs.run()
            info = self.highs.getInfo()
            if info.primal_solution_status != highspy.kSolutionStatusFeasible:
                break
            values = np.asarray(self.highs.getSolution().col_value)
            if (
                use_start
                and abs(values[self.n + self.m :].sum() - 1.0 - info.objective_function_value) > 1e-7
            ):
                # HiGHS 1.16 can mis-value a MIP start in its presolved space and stop at once,
                # handing the start back as "optimal"; its bounds are then not to be trusted.
                use_start = False
                continue
            lower_bound = max(lower_bound, info.mip_dual_bound + 1.0)
            candidate = values[: self.n] > 0.5
            candidate_residual = self._residual_fraction(candidate)
            if candidate_residual < best_residual:
                best, best_residual = candidate, candidate_residual
            gap = reduction_gap(best_residual, lower_bound)
            if gap <= opts.gap:
                break
            added = self._cut_at(candidate) | self._cut_at(best)
            if not added and not loose:
                if not use_start:
                    break  # the model is exact at the incumbent: only search time limits the gap
                use_start = False  # one more try without the start, in case it misled the search

        best = self._drop_idle(best)
        residual = residual_ale(inst, best)
        return Selection(
            selected=_ids(inst, best),
            cost=selection_cost(inst, _ids(inst, best)),
            residual_ale=residual,
            risk_reduction=inst.total_ale - residual,
            gap=gap,
            budget=budget,
            residual_lower_bound=min(lower_bound, best_residual) * inst.total_ale,
            rounds=rounds,
        )

    def _residual_fraction(self, mask: np.ndarray) -> float:
        y = self.log_keep[mask].sum(axis=0)
        return float(self.weights @ np.exp(y))

    def _cut_at(self, mask: np.ndarray) -> bool:
        """Make the model exact at this selection: a tangent at each y_s and two submodular cuts.

        The tangents bound exp(y) in log space. The submodular cuts (Nemhauser-Wolsey inequalities
        for the scenario's loss reduction, which is submodular) bound the residual directly in the
        binaries and are tighter away from the selection: adding j to T removes at most R_T x e_j,
        where the log-space tangent would credit R_T x |log(1 - e_j)|. Returns whether anything
        new was added.
        """
        key = mask.tobytes()
        if key in self.cut_sets:
            return False
        self.cut_sets.add(key)
        y = self.log_keep[mask].sum(axis=0)
        rows = _Rows()
        for s in range(self.m):
            self._add_tangent(rows, s, float(y[s]))
            self._add_submodular_cuts(rows, s, mask)
        rows.flush(self.highs)
        return True

    def _add_submodular_cuts(self, rows: _Rows, s: int, mask: np.ndarray) -> None:
        """Scenario s, set T: residual(S) >= R(T) - sum_(j not in T) rho_j x_j + sum_(j in T) mu_j (1 - x_j).

        Form A: rho_j = R(T) e_j (the gain of adding j to T), mu_j = R(N - j) e_j (the least any set
        loses without j). Form B: rho_j = W e_j (the most j can ever gain), mu_j = R(T - j) - R(T).
        Both hold for every subset S and are tight at T.
        """
        reduction = self.instance.reductions[:, s]
        on = np.flatnonzero(reduction > 0)
        if on.size == 0:
            return
        weight = self.weights[s]
        keep = 1.0 - reduction
        in_t = mask[on]
        r_t = weight * float(np.prod(keep[on[in_t]]))
        for form_b in (False, True):
            columns, values, constant = [self._t(s)], [1.0], r_t
            for j, chosen in zip(on, in_t, strict=True):
                if chosen:
                    others = on[in_t & (on != j)] if form_b else on[on != j]
                    without = weight * float(np.prod(keep[others]))
                    mu = without - r_t if form_b else without * reduction[j]
                    constant += mu  # t_s + mu x_j >= R(T) + mu
                    coefficient = mu
                else:
                    coefficient = (
                        weight * reduction[j] if form_b else r_t * reduction[j]
                    )  # t_s + rho x_j >= R(T)
                columns.append(int(j))
                values.append(float(coefficient))
            rows.add(columns, values, constant, _INF)

    def _warm_start(self, mask: np.ndarray) -> None:
        y = self.log_keep[mask].sum(axis=0)
        solution = highspy.HighsSolution()
        solution.col_value = list(np.concatenate([mask.astype(float), y, self.weights * np.exp(y)]))
        solution.value_valid = True
        self.highs.setSolution(solution)

    def _drop_idle(self, mask: np.ndarray) -> np.ndarray:
        """Remove selected initiatives that reduce nothing, when the rules allow it.

        The MILP is indifferent to an initiative with no marginal effect once the budget allows it;
        buying it would be waste. Removing one never breaks budget, capacity or excludes; only
        mandatory status and other selected initiatives' requires keep it in.
        """
        inst = self.instance
        mask = mask.copy()
        changed = True
        while changed:
            changed = False
            required = {r for i in np.flatnonzero(mask) for r in inst.initiatives[i].requires}
            for i in map(int, np.flatnonzero(mask)):
                it = inst.initiatives[i]
                if self.forced_mask[i] or it.id in required:
                    continue
                if self._no_marginal(mask, i):
                    mask[i] = False
                    changed = True
                    break
        return mask

    def _no_marginal(self, mask: np.ndarray, i: int) -> bool:
        without = mask.copy()
        without[i] = False
        return self._residual_fraction(without) <= self._residual_fraction(mask)


def optimize(instance: Instance, budget: float, options: SolverOptions | None = None) -> Selection:
    """Best selection of initiatives for a budget on the total cost over the horizon."""
    return PortfolioSolver(instance, options).solve(budget)


def reduction_gap(residual: float, lower_bound: float) -> float:
    """Relative gap on the risk reduction, both arguments as fractions of the total ALE."""
    reduction = 1.0 - residual
    slack = max(residual - lower_bound, 0.0)
    if slack <= 1e-12:
        return 0.0
    return slack / reduction if reduction > 1e-12 else math.inf


def _ids(instance: Instance, mask: np.ndarray) -> tuple[str, ...]:
    return tuple(instance.initiatives[i].id for i in np.flatnonzero(mask))


class _Rows:
    """Rows gathered in compressed row form and handed to HiGHS in one call."""

    def __init__(self) -> None:
        self.count = 0
        self._pending = 0
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, index: list[int], value: list[float], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        self.index.extend(int(k) for k in index)
        self.value.extend(float(v) for v in value)
        self.lower.append(lower)
        self.upper.append(upper)
        self.count += 1
        self._pending += 1

    def flush(self, highs: highspy.Highs) -> None:
        if not self._pending:
            return
        highs.addRows(
            self._pending,
            np.array(self.lower),
            np.array(self.upper),
            len(self.index),
            np.array(self.starts, dtype=np.int32),
            np.array(self.index, dtype=np.int32),
            np.array(self.value),
        )
        self._pending = 0
        self.lower, self.upper, self.starts, self.index, self.value = [], [], [], [], []
