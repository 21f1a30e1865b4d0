"""The mixed-integer program, solved with HiGHS.

Variables: x[j,w] = 1 when job j goes into candidate window w (a job with no x set is deferred),
r[a,w] = 1 when asset a is rebooted in window w. Objective: expected loss plus breach penalty,
written as the all-deferred constant plus, per x, the change against deferring, plus an optional
price per unit of downtime cost on each r. Constraints:

    sum_w x[j,w] <= 1                                  each job at most once
    x[j,w] <= r[a(j),w]                                a reboot job needs its asset's reboot
    sum_j minutes_j x[j,w] + reboot_a r[a,w] <= L_w    per asset and window (assets in parallel)
    sum_j x[j,w] <= max_changes_w                      change capacity counts jobs
    sum_{a in c} r[a,w] <= max_down_c                  cluster limit
    and, when asked (`Limits`):
    sum reboot_cost_a r[a,w] <= budget                 disruption budget
    breaches(x) <= max_breaches                        no more SLA breaches than a reference plan
    expected_loss(x) <= max_expected_loss              no more expected loss than a reference plan

A `Program` is built once per (sub)instance and solved many times (several prices, several
limits): building is a third of the work on small pieces. Each solve first tries the LP
relaxation; when its optimum is integral it is the MILP optimum (the LP is a relaxation). When it is
not, the LP solution is rounded into a feasible plan (pairs by LP value, each job into the first of
its windows where it still fits), and when that plan is within the gap tolerance of the LP bound
branch and bound is skipped; otherwise it warm-starts branch and bound. On planner pieces the LP is
nearly tight, so most solves end after one LP, several times faster than HiGHS's MIP search.
Rows that can never bind (e.g. a window with fewer candidates than its capacity) are left out.
Deferring everything is always feasible under every limit a reference plan satisfies.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from accord.engine.patching.candidates import build_candidates
from accord.engine.patching.greedy import Load
from accord.engine.patching.model import Instance, evaluate

_INTEGRAL = 1e-7  # an LP value this close to 0 or 1 counts as integral
_SLACK = 1e-9  # relative slack on reference limits, so the reference plan stays feasible in floats


@dataclass(frozen=True)
class Limits:
    budget: float | None = None  # most downtime cost
    max_breaches: int | None = None
    max_expected_loss: float | None = None


NO_LIMITS = Limits()


@dataclass(frozen=True)
class Relaxed:
    bound: float  # the LP optimum (or the trivial bound when the LP did not finish)
    values: np.ndarray | None  # the LP solution, when it finished


@dataclass(frozen=True)
class MilpSolution:
    assignment: dict[str, str | None]
    bound: float  # proven lower bound on the objective solved (expected loss + penalties + price x downtime)
    status: str
    seconds: float


class _Rows:
    """Collects `sum coef * col <= upper` rows in coordinate form."""

    def __init__(self) -> None:
        self.row: list[int] = []
        self.col: list[int] = []
        self.val: list[float] = []
        self.upper: list[float] = []

    def add(self, cols: list[int], vals: list[float], upper: float) -> None:
        index = len(self.upper)
        self.row.extend([index] * len(cols))
        self.col.extend(cols)
        self.val.extend(vals)
        self.upper.append(upper)

    def matrix(self, n_cols: int) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            (
                np.asarray(self.val, dtype=float),
                (np.asarray(self.row, dtype=np.int64), np.asarray(self.col, dtype=np.int64)),
            ),
            shape=(len(self.upper), n_cols),
        )


class Program:
    """The assignment program of one (sub)instance, without budget, price or reference limits."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self._lp: highspy.Highs | None = None  # the unlimited LP, re-solved hot at each price
        candidates = build_candidates(instance, None)
        self.x_job: list[str] = []
        self.x_window: list[str] = []
        exposure: list[float] = []
        breach: list[float] = []
        by_job: dict[str, list[int]] = defaultdict(list)
        by_asset_window: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_window: dict[str, list[int]] = defaultdict(list)
        self.offset_exposure = 0.0
        self.offset_breaches = 0
        for job in instance.jobs:
            deferred_exposure = instance.exposure(job, None)
            deferred_breach = int(instance.breaches(job, None))
            self.offset_exposure += deferred_exposure
            self.offset_breaches += deferred_breach
            for window in candidates.windows[job.id]:
                col = len(self.x_job)
                self.x_job.append(job.id)
                self.x_window.append(window.id)
                exposure.append(instance.exposure(job, window) - deferred_exposure)
                breach.append(float(int(instance.breaches(job, window)) - deferred_breach))
                by_job[job.id].append(col)
                by_asset_window[(job.asset, window.id)].append(col)
                by_window[window.id].append(col)
        self.x_exposure = np.asarray(exposure, dtype=float)
        self.x_breach = np.asarray(breach, dtype=float)
        self.by_job = by_job

        jobs = {j.id: j for j in instance.jobs}
        self.jobs = jobs
        self.r_keys: list[tuple[str, str]] = []
        r_col: dict[tuple[str, str], int] = {}
        for key, cols in by_asset_window.items():
            if any(jobs[self.x_job[c]].reboot for c in cols):
                r_col[key] = len(self.x_job) + len(self.r_keys)
                self.r_keys.append(key)
        self.reboot_costs = np.asarray([instance.asset_by_id[a].reboot_cost for a, _ in self.r_keys], dtype=float)

        rows = _Rows()
        for cols in by_job.values():
            if len(cols) > 1:
                rows.add(cols, [1.0] * len(cols), 1.0)
        for key, cols in by_asset_window.items():
            asset = instance.asset_by_id[key[0]]
            window = instance.window_by_id[key[1]]
            reboot = r_col.get(key)
            if reboot is not None:
                for c in cols:
                    if jobs[self.x_job[c]].reboot:
                        rows.add([c, reboot], [1.0, -1.0], 0.0)
            work = [jobs[self.x_job[c]].minutes for c in cols]
            reboot_minutes = asset.reboot_minutes if reboot is not None else 0.0
            if sum(work) + reboot_minutes > window.minutes:
                extra = ([reboot], [reboot_minutes]) if reboot is not None else ([], [])
                rows.add(cols + extra[0], work + extra[1], window.minutes)
        for window_id, cols in by_window.items():
            cap = instance.window_by_id[window_id].max_changes
            if cap is not None and len(cols) > cap:
                rows.add(cols, [1.0] * len(cols), float(cap))
        down: dict[tuple[str, str], list[int]] = defaultdict(list)
        for (asset_id, window_id), col in r_col.items():
            cluster = instance.asset_by_id[asset_id].cluster
            if cluster is not None:
                down[(cluster, window_id)].append(col)
        for (cluster_id, _), cols in down.items():
            max_down = instance.cluster_by_id[cluster_id].max_down
            if len(cols) > max_down:
                rows.add(cols, [1.0] * len(cols), float(max_down))
        self.rows = rows.matrix(self.n_cols)
        self.upper = np.asarray(rows.upper, dtype=float)

    @property
    def n_x(self) -> int:
        return len(self.x_job)

    @property
    def n_cols(self) -> int:
        return len(self.x_job) + len(self.r_keys)

    @property
    def offset(self) -> float:
        return self.offset_exposure + self.instance.penalty * self.offset_breaches

    def costs(self, price: float) -> np.ndarray:
        x_costs = self.x_exposure + self.instance.penalty * self.x_breach
        return np.concatenate([x_costs, price * self.reboot_costs])

    def trivial_bound(self) -> float:
        """Every job in its best window, ignoring every limit and pricing downtime at zero: a lower
        bound of every solve of this program, whatever its price and limits."""
        costs = self.costs(0.0)
        return self.offset + sum(min(0.0, *(costs[c] for c in cols)) for cols in self.by_job.values())

    def _limit_rows(self, limits: Limits) -> _Rows:
        rows = _Rows()
        r_cols = list(range(self.n_x, self.n_cols))
        if limits.budget is not None and self.reboot_costs.sum() > limits.budget:
            rows.add(r_cols, list(self.reboot_costs), limits.budget)
        x_cols = list(range(self.n_x))
        if limits.max_breaches is not None:
            rows.add(x_cols, list(self.x_breach), limits.max_breaches - self.offset_breaches + 1e-6)
        if limits.max_expected_loss is not None:
            allowed = limits.max_expected_loss * (1 + _SLACK) + _SLACK - self.offset_exposure
            rows.add(x_cols, list(self.x_exposure), allowed)
        return rows

    def highs(self, *, price: float | None, limits: Limits, time_limit: float, gap_tolerance: float) -> highspy.Highs:
        """A HiGHS model of this program; `price` None forbids every reboot (no downtime at all)."""
        n_cols = self.n_cols
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("time_limit", max(float(time_limit), 0.01))
        highs.setOptionValue("mip_rel_gap", gap_tolerance)
        highs.setOptionValue("random_seed", 0)
        upper = np.ones(n_cols)
        if price is None:
            upper[self.n_x:] = 0.0
        highs.addVars(n_cols, np.zeros(n_cols), upper)
        every_col = np.arange(n_cols, dtype=np.int32)
        highs.changeColsCost(n_cols, every_col, self.costs(0.0 if price is None else price))
        highs.changeObjectiveOffset(self.offset)
        extra = self._limit_rows(limits)
        matrix = sparse.vstack([self.rows, extra.matrix(n_cols)], format="csr")
        upper_rows = np.concatenate([self.upper, np.asarray(extra.upper, dtype=float)])
        if matrix.shape[0]:
            highs.addRows(
                matrix.shape[0],
                np.full(matrix.shape[0], -highspy.kHighsInf),
                upper_rows,
                matrix.nnz,
                matrix.indptr.astype(np.int32),
                matrix.indices.astype(np.int32),
                matrix.data.astype(float),
            )
        return highs

    def warm_values(self, warm: Mapping[str, str | None]) -> np.ndarray:
        values = np.zeros(self.n_cols)
        rebooted: set[tuple[str, str]] = set()
        for col, (job_id, window_id) in enumerate(zip(self.x_job, self.x_window, strict=True)):
            if warm.get(job_id) == window_id:
                values[col] = 1.0
                if self.jobs[job_id].reboot:
                    rebooted.add((self.jobs[job_id].asset, window_id))
        for k, key in enumerate(self.r_keys):
            if key in rebooted:
                values[self.n_x + k] = 1.0
        return values

    def assignment_from(self, values: np.ndarray) -> dict[str, str | None]:
        assignment: dict[str, str | None] = {j.id: None for j in self.instance.jobs}
        for col in np.flatnonzero(values[: self.n_x] > 0.5):
            assignment[self.x_job[col]] = self.x_window[col]
        return assignment

    def priced_objective(self, assignment: Mapping[str, str | None], price: float | None) -> float:
        outcome = evaluate(self.instance, assignment)
        return outcome.objective + (0.0 if price is None else price * outcome.disruption_cost)

    def round_lp(self, values: np.ndarray, price: float | None, limits: Limits) -> dict[str, str | None] | None:
        """A feasible plan near the LP solution, or None when it breaks a reference limit.

        First the pairs the LP mostly takes (value >= 0.5), by value; then every job still
        unplanned goes into its cheapest window that still fits, if that lowers the objective."""
        load = Load(self.instance, limits.budget if price is not None else 0.0)
        assignment: dict[str, str | None] = {j.id: None for j in self.instance.jobs}
        costs = self.costs(0.0 if price is None else price)
        reboot_price = {key: costs[self.n_x + k] for k, key in enumerate(self.r_keys)}

        def place(col: int, only_if_better: bool) -> None:
            job, window = self.jobs[self.x_job[col]], self.instance.window_by_id[self.x_window[col]]
            if assignment[job.id] is not None or not load.fits(job, window):
                return
            new_reboot = job.reboot and (job.asset, window.id) not in load.rebooted
            gain = costs[col] + (reboot_price.get((job.asset, window.id), 0.0) if new_reboot else 0.0)
            if only_if_better and gain >= 0:
                return
            load.book(job, window)
            assignment[job.id] = window.id

        for col in sorted(range(self.n_x), key=lambda c: (-values[c], costs[c])):
            if values[col] < 0.5:
                break
            place(col, only_if_better=False)
        for col in sorted(range(self.n_x), key=lambda c: costs[c]):
            place(col, only_if_better=True)
        if limits.max_breaches is not None or limits.max_expected_loss is not None:
            outcome = evaluate(self.instance, assignment)
            if (limits.max_breaches is not None and outcome.sla_breaches > limits.max_breaches) or (
                    limits.max_expected_loss is not None and outcome.exposure > limits.max_expected_loss):
                return None
        return assignment

    def relax(self, *, price: float | None, limits: Limits, time_limit: float) -> Relaxed:
        """The LP relaxation. Unlimited solves reuse one model whose costs change with the price,
        so simplex starts from the previous basis (several times faster than a fresh model)."""
        if limits == NO_LIMITS:
            if self._lp is None:
                self._lp = self.highs(price=price, limits=limits, time_limit=time_limit, gap_tolerance=0.0)
                self._lp.setOptionValue("solver", "simplex")
            else:
                every_col = np.arange(self.n_cols, dtype=np.int32)
                self._lp.changeColsCost(self.n_cols, every_col, self.costs(0.0 if price is None else price))
                r_cols = np.arange(self.n_x, self.n_cols, dtype=np.int32)
                upper = np.full(len(r_cols), 0.0 if price is None else 1.0)
                self._lp.changeColsBounds(len(r_cols), r_cols, np.zeros(len(r_cols)), upper)
                self._lp.setOptionValue("time_limit", max(float(time_limit), 0.01))
            highs = self._lp
        else:
            highs = self.highs(price=price, limits=limits, time_limit=time_limit, gap_tolerance=0.0)
            highs.setOptionValue("solver", "simplex")
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # no valid bound from a stopped simplex
            return Relaxed(self.trivial_bound(), None)
        return Relaxed(float(highs.getInfo().objective_function_value), np.asarray(highs.getSolution().col_value))

    def first_plan(
        self, relaxed: Relaxed, *, price: float | None, limits: Limits, warm_start: Mapping[str, str | None] | None
    ) -> tuple[dict[str, str | None], bool]:
        """The best plan without branch and bound: the LP's own when integral (then it is optimal,
        the second value), else the better of its rounding and the warm start."""
        options: list[dict[str, str | None]] = []
        if relaxed.values is not None:
            if np.all(np.minimum(np.abs(relaxed.values), np.abs(1.0 - relaxed.values)) <= _INTEGRAL):
                return self.assignment_from(relaxed.values), True
            rounded = self.round_lp(relaxed.values, price, limits)
            if rounded is not None:
                options.append(rounded)
        if warm_start is not None:
            options.append(dict(warm_start))
        if not options:
            options.append({j.id: None for j in self.instance.jobs})
        return min(options, key=lambda a: self.priced_objective(a, price)), False

    def branch(
        self,
        *,
        price: float | None,
        limits: Limits,
        time_limit: float,
        warm_start: Mapping[str, str | None],
        gap_tolerance: float,
    ) -> MilpSolution:
        """Branch and bound from a feasible warm start (kept when HiGHS finds nothing better)."""
        started = time.perf_counter()
        highs = self.highs(price=price, limits=limits, time_limit=time_limit, gap_tolerance=gap_tolerance)
        every_col = np.arange(self.n_cols, dtype=np.int32)
        highs.changeColsIntegrality(self.n_cols, every_col, np.full(self.n_cols, highspy.HighsVarType.kInteger))
        solution = highspy.HighsSolution()
        solution.col_value = list(self.warm_values(warm_start))
        solution.value_valid = True
        highs.setSolution(solution)
        highs.run()
        info = highs.getInfo()
        assignment = dict(warm_start)
        if info.primal_solution_status == 2:  # kSolutionStatusFeasible
            found = self.assignment_from(np.asarray(highs.getSolution().col_value))
            if self.priced_objective(found, price) <= self.priced_objective(warm_start, price):
                assignment = found
        bound = float(info.mip_dual_bound)
        if not math.isfinite(bound):  # stopped before HiGHS proved anything
            bound = self.trivial_bound()
        status = highs.modelStatusToString(highs.getModelStatus())
        return MilpSolution(assignment, bound, status, time.perf_counter() - started)

    def solve(
        self,
        *,
        price: float | None = 0.0,
        limits: Limits = NO_LIMITS,
        time_limit: float,
        warm_start: Mapping[str, str | None] | None = None,
        gap_tolerance: float = 1e-3,
    ) -> MilpSolution:
        """The best assignment for `price` x downtime cost + expected loss + breach penalties under
        `limits`: the LP, its rounding, then branch and bound if the rounding is not close enough.
        A warm start must satisfy the limits (e.g. the reference plan they come from)."""
        started = time.perf_counter()
        if self.n_cols == 0:
            return MilpSolution({j.id: None for j in self.instance.jobs}, self.offset, "Optimal", 0.0)
        relaxed = self.relax(price=price, limits=limits, time_limit=time_limit)
        assignment, exact = self.first_plan(relaxed, price=price, limits=limits, warm_start=warm_start)
        if exact or relative_gap(self.priced_objective(assignment, price), relaxed.bound) <= gap_tolerance:
            return MilpSolution(assignment, relaxed.bound, "Optimal", time.perf_counter() - started)
        remaining = time_limit - (time.perf_counter() - started)
        solution = self.branch(price=price, limits=limits, time_limit=remaining, warm_start=assignment,
                               gap_tolerance=gap_tolerance)
        bound = max(solution.bound, relaxed.bound)
        return MilpSolution(solution.assignment, bound, solution.status, time.perf_counter() - started)


def solve_assignment(
    instance: Instance,
    budget: float | None,
    *,
    time_limit: float,
    warm_start: Mapping[str, str | None] | None = None,
    gap_tolerance: float = 1e-3,
) -> MilpSolution:
    """Solve one (sub)instance under a disruption budget. A warm start must fit the budget."""
    program = Program(instance)
    return program.solve(limits=Limits(budget=budget), time_limit=time_limit, warm_start=warm_start,
                         gap_tolerance=gap_tolerance)


@dataclass(frozen=True)
class Relaxation:
    bound: float  # LP relaxation value: a valid lower bound on the MILP objective
    disruption_by_asset: dict[str, float]  # fractional reboot cost the LP spends on each asset
    optimal: bool


def solve_relaxation(instance: Instance, budget: float | None, *, time_limit: float) -> Relaxation:
    """The LP relaxation of the whole instance. Its value bounds the MILP from below even when the
    MILP is later solved piecewise, and its reboot values show where the budget pays off most."""
    program = Program(instance)
    if program.n_cols == 0:
        return Relaxation(program.offset, {}, True)
    highs = program.highs(price=0.0, limits=Limits(budget=budget), time_limit=time_limit, gap_tolerance=0.0)
    highs.setOptionValue("solver", "simplex")
    highs.run()
    optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    # a simplex stopped early has no valid dual bound: fall back to the trivial one
    bound = float(highs.getInfo().objective_function_value) if optimal else program.trivial_bound()
    values = np.asarray(highs.getSolution().col_value) if optimal else np.zeros(program.n_cols)
    spend: dict[str, float] = defaultdict(float)
    for k, (asset_id, _) in enumerate(program.r_keys):
        spend[asset_id] += values[program.n_x + k] * instance.asset_by_id[asset_id].reboot_cost
    return Relaxation(bound, dict(spend), optimal)


def relative_gap(objective: float, bound: float) -> float:
    return max(objective - bound, 0.0) / max(abs(objective), 1e-9)
