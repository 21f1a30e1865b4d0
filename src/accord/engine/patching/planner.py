"""The plan under a disruption budget: one MILP, or pieces by maintenance group with the budget
split between them by the LP relaxation. Every solve shares one deadline (`Deadline`)."""

from __future__ import annotations

from dataclasses import dataclass

from accord.engine.patching.candidates import build_candidates
from accord.engine.patching.clock import Deadline
from accord.engine.patching.decompose import Piece, split_budget, split_by_group
from accord.engine.patching.greedy import plan_greedy, restrict
from accord.engine.patching.milp import relative_gap, solve_assignment, solve_relaxation
from accord.engine.patching.model import Instance, Plan, evaluate

# Above this many (job, window) pairs a budgeted instance is split by group (LP-guided budget
# split, valid LP bound); below it one exact MILP. Unbudgeted instances are always split (exact).
SINGLE_MILP_MAX_PAIRS = 20_000


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0  # seconds of wall time for the whole run: the plan and its frontier
    gap_tolerance: float = 1e-3  # stop when within this relative gap of the proven bound
    single_milp_max_pairs: int = SINGLE_MILP_MAX_PAIRS


def solve(
    instance: Instance,
    budget: float | None,
    options: SolveOptions,
    warm: Plan | None = None,
    deadline: Deadline | None = None,
) -> Plan:
    """The best plan HiGHS finds before the deadline (default: the options' time limit from now),
    never worse than `warm` (which must respect `budget`; the greedy plan under it when not given)."""
    deadline = deadline or Deadline(options.time_limit)
    warm = warm or plan_greedy(instance, budget)
    pieces = split_by_group(instance)
    pairs = sum(len(ws) for ws in build_candidates(instance, budget).windows.values())
    if len(pieces) > 1 and (budget is None or pairs > options.single_milp_max_pairs):
        plan = _solve_pieces(instance, pieces, budget, options, warm, deadline)
    else:
        solution = solve_assignment(
            instance, budget, time_limit=deadline.left(), warm_start=warm.assignment,
            gap_tolerance=options.gap_tolerance,
        )
        outcome = evaluate(instance, solution.assignment)
        bound = min(solution.bound, outcome.objective)
        plan = Plan(solution.assignment, outcome, "milp", bound, relative_gap(outcome.objective, bound),
                    solution.status)
    if plan.outcome.objective > warm.outcome.objective:
        # the deadline came before the pieces caught up with the warm start: keep the better plan
        gap = None if plan.bound is None else relative_gap(warm.outcome.objective, plan.bound)
        notes = (*plan.notes, f"kept the warm-start ({warm.method}) plan, better than the solver's")
        return Plan(warm.assignment, warm.outcome, "milp", plan.bound, gap, plan.status, notes)
    return plan


def _solve_pieces(
    instance: Instance,
    pieces: list[Piece],
    budget: float | None,
    options: SolveOptions,
    warm: Plan,
    deadline: Deadline,
) -> Plan:
    notes = [f"solved as {len(pieces)} independent pieces by maintenance group"]
    budgets: dict[int, float | None] = dict.fromkeys(range(len(pieces)))
    global_bound: float | None = None
    if budget is not None:
        # The LP relaxation of the whole instance is a valid bound and says where the budget
        # buys the most exposure; each piece gets the LP's spend plus a share of any slack.
        relaxation = solve_relaxation(instance, budget, time_limit=max(0.2, deadline.share(0.3, 1.0)))
        global_bound = relaxation.bound
        reference = {
            k: sum(relaxation.disruption_by_asset.get(a.id, 0.0) for a in piece.instance.assets)
            for k, piece in enumerate(pieces)
        }
        if not relaxation.optimal:  # no LP guidance: fall back to what the warm plan spends
            reference = {
                k: evaluate(p.instance, restrict(warm.assignment, _ids(p))).disruption_cost
                for k, p in enumerate(pieces)
            }
        weight = {k: sum(a.reboot_cost for a in piece.instance.assets) for k, piece in enumerate(pieces)}
        budgets = dict(split_budget(budget, reference, weight))
        notes.append("disruption budget split between pieces by the LP relaxation's spend")

    sizes = [len(p.instance.jobs) + 1 for p in pieces]
    remaining_size = sum(sizes)
    assignment: dict[str, str | None] = {}
    bound_sum = 0.0
    statuses: set[str] = set()
    for k, piece in enumerate(pieces):
        share = deadline.share(sizes[k], remaining_size)
        remaining_size -= sizes[k]
        piece_budget = budgets[k]
        piece_warm = _best_warm_start(piece, piece_budget, warm)
        solution = solve_assignment(
            piece.instance, piece_budget, time_limit=share, warm_start=piece_warm,
            gap_tolerance=options.gap_tolerance,
        )
        assignment.update(solution.assignment)
        bound_sum += solution.bound
        statuses.add(solution.status)
    outcome = evaluate(instance, assignment)
    bound = bound_sum if budget is None else global_bound
    if bound is not None:
        bound = min(bound, outcome.objective)
    gap = None if bound is None else relative_gap(outcome.objective, bound)
    status = "Optimal" if statuses == {"Optimal"} else ", ".join(sorted(statuses))
    return Plan(assignment, outcome, "milp", bound, gap, status, tuple(notes))


def _ids(piece: Piece) -> set[str]:
    return {j.id for j in piece.instance.jobs}


def _best_warm_start(piece: Piece, budget: float | None, warm: Plan) -> dict[str, str | None]:
    """The better of the caller's plan cut to this piece (when it fits the piece's budget) and a
    fresh greedy plan under that budget."""
    options = [plan_greedy(piece.instance, budget)]
    mine = restrict(warm.assignment, _ids(piece))
    outcome = evaluate(piece.instance, mine)
    if budget is None or outcome.disruption_cost <= budget:
        options.append(Plan(mine, outcome, warm.method))
    return dict(min(options, key=lambda p: p.outcome.objective).assignment)
