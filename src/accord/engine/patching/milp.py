"""The mixed-integer program, solved with HiGHS.

Variables: x[j,w] = 1 when job j goes into candidate window w (a job with no x set is deferred),
r[a,w] = 1 when asset a is rebooted in window w. Objective: exposure plus breach penalty, written
as the all-deferred constant plus, per x, the change against deferring. Constraints:

    sum_w x[j,w] <= 1                                  each job at most once
    x[j,w] <= r[a(j),w]                                a reboot job needs its asset's reboot
    sum_j minutes_j x[j,w] + reboot_a r[a,w] <= L_w    per asset and window (assets in parallel)
    sum_j x[j,w] <= max_changes_w                      change capacity counts jobs
    sum_{a in c} r[a,w] <= max_down_c                  cluster limit
    sum reboot_cost_a r[a,w] <= budget                 disruption budget

Rows that can never bind (e.g. a window with fewer candidates than its capacity) are left out.
Deferring everything is always feasible, so the program is never infeasible.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from accord.engine.patching.candidates import Candidates, build_candidates, choice_cost
from accord.engine.patching.model import Instance


@dataclass(frozen=True)
class _Program:
    costs: np.ndarray  # objective per column (x columns first, then r columns)
    offset: float  # objective when every job is deferred
    rows: sparse.csr_matrix
    upper: np.ndarray
    x_job: list[str]  # job id per x column
    x_window: list[str]  # window id per x column
    r_keys: list[tuple[str, str]]  # (asset, window) per r column
    trivial_bound: float  # every job in its best window, ignoring all limits


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


def _build(instance: Instance, candidates: Candidates, budget: float | None) -> _Program:
    x_job: list[str] = []
    x_window: list[str] = []
    costs: list[float] = []
    by_job: dict[str, list[int]] = defaultdict(list)
    by_asset_window: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_window: dict[str, list[int]] = defaultdict(list)
    for job in instance.jobs:
        deferred = candidates.deferred_cost[job.id]
        for window in candidates.windows[job.id]:
            col = len(x_job)
            x_job.append(job.id)
            x_window.append(window.id)
            costs.append(choice_cost(instance, job, window) - deferred)
            by_job[job.id].append(col)
            by_asset_window[(job.asset, window.id)].append(col)
            by_window[window.id].append(col)

    jobs = {j.id: j for j in instance.jobs}
    r_keys: list[tuple[str, str]] = []
    r_col: dict[tuple[str, str], int] = {}
    for key, cols in by_asset_window.items():
        if any(jobs[x_job[c]].reboot for c in cols):
            r_col[key] = len(x_job) + len(r_keys)
            r_keys.append(key)

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
                if jobs[x_job[c]].reboot:
                    rows.add([c, reboot], [1.0, -1.0], 0.0)
        work = [jobs[x_job[c]].minutes for c in cols]
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
    reboot_costs = [instance.asset_by_id[a].reboot_cost for a, _ in r_keys]
    if budget is not None and sum(reboot_costs) > budget:
        rows.add([r_col[k] for k in r_keys], reboot_costs, budget)

    offset = float(sum(candidates.deferred_cost.values()))
    n_cols = len(x_job) + len(r_keys)
    matrix = sparse.csr_matrix(
        (
            np.asarray(rows.val, dtype=float),
            (np.asarray(rows.row, dtype=np.int64), np.asarray(rows.col, dtype=np.int64)),
        ),
        shape=(len(rows.upper), n_cols),
    )
    return _Program(
        costs=np.concatenate([np.asarray(costs, dtype=float), np.zeros(len(r_keys))]),
        offset=offset,
        rows=matrix,
        upper=np.asarray(rows.upper, dtype=float),
        x_job=x_job,
        x_window=x_window,
        r_keys=r_keys,
        trivial_bound=offset + sum(min(0.0, *(costs[c] for c in cols)) for cols in by_job.values()),
    )


def _warm_values(program: _Program, instance: Instance, warm: Mapping[str, str | None]) -> np.ndarray:
    values = np.zeros(len(program.costs))
    rebooted: set[tuple[str, str]] = set()
    jobs = {j.id: j for j in instance.jobs}
    for col, (job_id, window_id) in enumerate(zip(program.x_job, program.x_window, strict=True)):
        if warm.get(job_id) == window_id:
            values[col] = 1.0
            if jobs[job_id].reboot:
                rebooted.add((jobs[job_id].asset, window_id))
    base = len(program.x_job)
    for k, key in enumerate(program.r_keys):
        if key in rebooted:
            values[base + k] = 1.0
    return values


def _highs(program: _Program, *, integral: bool, time_limit: float, gap_tolerance: float) -> highspy.Highs:
    n_cols = len(program.costs)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", max(float(time_limit), 0.1))
    highs.setOptionValue("mip_rel_gap", gap_tolerance)
    highs.setOptionValue("random_seed", 0)
    highs.addVars(n_cols, np.zeros(n_cols), np.ones(n_cols))
    every_col = np.arange(n_cols, dtype=np.int32)
    highs.changeColsCost(n_cols, every_col, program.costs)
    if integral:
        highs.changeColsIntegrality(n_cols, every_col, np.full(n_cols, highspy.HighsVarType.kInteger))
    highs.changeObjectiveOffset(program.offset)
    rows = program.rows
    if rows.shape[0]:
        highs.addRows(
            rows.shape[0],
            np.full(rows.shape[0], -highspy.kHighsInf),
            program.upper,
            rows.nnz,
            rows.indptr.astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data.astype(float),
        )
    return highs


@dataclass(frozen=True)
class MilpSolution:
    assignment: dict[str, str | None]
    bound: float  # proven lower bound on the objective (exposure + breach penalties)
    status: str
    seconds: float


def solve_assignment(
    instance: Instance,
    budget: float | None,
    *,
    time_limit: float,
    warm_start: Mapping[str, str | None] | None = None,
    gap_tolerance: float = 1e-3,
) -> MilpSolution:
    """Solve one (sub)instance. A warm start must be feasible for `budget` (e.g. the greedy plan)."""
    started = time.perf_counter()
    program = _build(instance, build_candidates(instance, budget), budget)
    assignment: dict[str, str | None] = {j.id: None for j in instance.jobs}
    if len(program.costs) == 0:
        return MilpSolution(assignment, program.offset, "Optimal", time.perf_counter() - started)
    remaining = time_limit - (time.perf_counter() - started)
    highs = _highs(program, integral=True, time_limit=remaining, gap_tolerance=gap_tolerance)
    if warm_start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(_warm_values(program, instance, warm_start))
        solution.value_valid = True
        highs.setSolution(solution)
    highs.run()
    info = highs.getInfo()
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        values = np.asarray(highs.getSolution().col_value)
        for col in np.flatnonzero(values[: len(program.x_job)] > 0.5):
            assignment[program.x_job[col]] = program.x_window[col]
    elif warm_start is not None:
        assignment.update(warm_start)
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound):  # stopped before HiGHS proved anything: every job in its best window
        bound = program.trivial_bound
    status = highs.modelStatusToString(highs.getModelStatus())
    return MilpSolution(assignment, bound, status, time.perf_counter() - started)


@dataclass(frozen=True)
class Relaxation:
    bound: float  # LP relaxation value: a valid lower bound on the MILP objective
    disruption_by_asset: dict[str, float]  # fractional reboot cost the LP spends on each asset
    optimal: bool


def solve_relaxation(instance: Instance, budget: float | None, *, time_limit: float) -> Relaxation:
    """The LP relaxation of the whole instance. Its value bounds the MILP from below even when the
    MILP is later solved piecewise, and its reboot values show where the budget pays off most."""
    program = _build(instance, build_candidates(instance, budget), budget)
    if len(program.costs) == 0:
        return Relaxation(program.offset, {}, True)
    highs = _highs(program, integral=False, time_limit=time_limit, gap_tolerance=0.0)
    highs.setOptionValue("solver", "simplex")
    highs.run()
    optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    # a simplex stopped early has no valid dual bound: fall back to the trivial one
    bound = float(highs.getInfo().objective_function_value) if optimal else program.trivial_bound
    values = np.asarray(highs.getSolution().col_value) if optimal else np.zeros(len(program.costs))
    spend: dict[str, float] = defaultdict(float)
    base = len(program.x_job)
    for k, (asset_id, _) in enumerate(program.r_keys):
        spend[asset_id] += values[base + k] * instance.asset_by_id[asset_id].reboot_cost
    return Relaxation(bound, dict(spend), optimal)


def relative_gap(objective: float, bound: float) -> float:
    return max(objective - bound, 0.0) / max(abs(objective), 1e-9)
