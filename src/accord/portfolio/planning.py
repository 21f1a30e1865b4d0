"""The optimiser instance built from the database, and the solves the pages and the API answer from.

Scenarios and their ALE come from the risk register (each open scenario's latest run: the mean annual
loss the risk engine simulated). Each candidate initiative's reduction of a scenario is its simulated
mean relative reduction (ΔALE / ALE from its current `EffectEstimate`). The budget scenario gives the
budget, horizon, discount rate and team capacities. The instance is the engine's own JSON format, so
a saved selection can be re-run with `accord portfolio optimize --instance`.

Solving stays interactive: one `PortfolioSolver` per instance (keyed by its hash) is kept in this
process and re-used (its cuts accumulate), and frontiers are cached by instance hash.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import HasCapabilities, require
from accord.engine.portfolio.errors import InfeasibleBudget, InvalidInstance
from accord.engine.portfolio.finance import YearCost, cost_by_year
from accord.engine.portfolio.frontier import Frontier, compute_frontier
from accord.engine.portfolio.instance import parse_instance
from accord.engine.portfolio.milp import PortfolioSolver, SolverOptions
from accord.engine.portfolio.model import Instance, Selection
from accord.engine.portfolio.residual import Contribution, marginal_contributions, standalone_reduction
from accord.portfolio import estimation
from accord.portfolio.models import CANDIDATE_STATUSES, BudgetScenario, EffectEstimate, Initiative
from accord.risks import selectors as risk_selectors

READ = "portfolio.read"
FRONTIER_POINTS = 21
SOLVER_OPTIONS = SolverOptions(gap=1e-3, time_limit=10.0)
_SOLVERS: OrderedDict[str, PortfolioSolver] = OrderedDict()
_SOLVERS_KEPT = 8
_LOCK = threading.Lock()  # a HiGHS model is not thread-safe; the dev server answers in threads


@dataclass(frozen=True)
class ScenarioInfo:
    slug: str
    name: str
    ale: float


@dataclass
class Plan:
    """An instance ready to solve, with what was left out of it and why."""

    budget_scenario: BudgetScenario
    document: dict[str, Any]
    instance: Instance
    hash: str
    titles: dict[str, str]
    scenarios: list[ScenarioInfo]
    estimates: dict[str, EffectEstimate]  # slug -> its current estimate
    seed: int  # the risk register's seed of the runs and estimates the figures come from
    notes: list[str] = field(default_factory=list)

    @property
    def total_ale(self) -> float:
        return self.instance.total_ale


def latest_estimates(initiatives: list[Initiative]) -> dict[int, EffectEstimate]:
    found: dict[int, EffectEstimate] = {}
    for estimate in EffectEstimate.objects.filter(initiative__in=initiatives).order_by("-created_at", "-id"):
        found.setdefault(estimate.initiative_id, estimate)
    return found


def effect_inputs(initiative: Initiative, runs: dict[str, Any]) -> list[estimation.EffectInput]:
    """The initiative's effects with each scenario's latest run (`runs`: risks.selectors.latest_runs)."""
    return [estimation.effect_input(e, runs) for e in initiative.effects.all()]


def is_current(initiative: Initiative, estimate: EffectEstimate | None, runs: dict[str, Any]) -> bool:
    """The estimate was made from the initiative's effects, the scenarios' inputs and their stored runs
    (the ALE it states) as they are now."""
    if estimate is None:
        return False
    now = estimation.input_hash(effect_inputs(initiative, runs), seed=estimate.seed, years=estimate.years,
                                model=estimate.model)
    return now == estimate.input_hash


def candidate_initiatives() -> list[Initiative]:
    return list(Initiative.objects.filter(status__in=CANDIDATE_STATUSES)
                .prefetch_related("effects__scenario", "capacity__team", "requires", "excludes")
                .order_by("slug"))


def open_scenarios(viewer: HasCapabilities) -> list[ScenarioInfo]:
    """Open scenarios of the risk register with the mean annual loss of their latest run: the figures
    the register and the risk portfolio page show (their total is that page's plain sum)."""
    return [ScenarioInfo(f.scenario.slug, f.scenario.name, float(f.run.mean))
            for f in risk_selectors.portfolio_figures(viewer).scenarios]


def _instance_hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_plan(viewer: HasCapabilities, budget_scenario: BudgetScenario) -> Plan:
    """The optimiser instance for a budget scenario, from the register and the current estimates."""
    require(viewer, READ)
    notes: list[str] = []
    scenarios = open_scenarios(viewer)
    known = {s.slug for s in scenarios}
    initiatives = candidate_initiatives()
    estimates = latest_estimates(initiatives)
    runs = risk_selectors.latest_runs(viewer)
    candidates = {it.slug for it in initiatives}
    limits = {c.team.name: c.units for c in budget_scenario.capacity.select_related("team")}

    # An initiative that requires one that can never be chosen (rejected) can never be chosen either.
    blocked = _blocked(initiatives, candidates, notes)
    entries, current = [], {}
    for it in initiatives:
        if it.slug in blocked:
            continue
        estimate = estimates.get(it.pk)
        effects = []
        if is_current(it, estimate, runs):
            assert estimate is not None  # noqa: S101 - is_current checks it
            current[it.slug] = estimate
            for slug, saving in sorted(estimate.per_scenario.items()):
                if slug in known and saving["reduction"] > 0:
                    effects.append({"scenario": slug, "reduction": float(saving["reduction"])})
        elif it.effects.all():
            notes.append(f"{it.slug}: no current effect estimate (its effects or scenarios changed); "
                         "run the estimate to count what it reduces")
        entries.append({
            "id": it.slug, "title": it.title, "cost": it.one_off_cost, "annual_cost": it.annual_cost,
            "capacity": {c.team.name: c.units for c in it.capacity.all() if c.team.name in limits},
            "effects": effects,
            "requires": sorted(r.slug for r in it.requires.all() if r.slug in candidates and r.slug not in blocked),
            "excludes": sorted(x.slug for x in it.excludes.all() if x.slug in candidates and x.slug not in blocked),
            "mandatory": it.mandatory,
        })
    if not scenarios:
        raise ValidationFailed.field(
            "scenarios", "the risk register has no simulated open scenario; simulate the risks first")
    document = {
        "scenarios": [{"id": s.slug, "title": s.name, "ale": s.ale} for s in scenarios],
        "initiatives": entries,
        "capacity": limits,
        "horizon_years": budget_scenario.horizon_years,
        "discount_rate": budget_scenario.discount_rate,
    }
    try:
        instance = parse_instance(document)
    except InvalidInstance as error:
        raise ValidationFailed(Problem(field=_readable_path(error.path, entries), message=error.message)) from None
    return Plan(budget_scenario=budget_scenario, document=document, instance=instance,
                hash=_instance_hash(document), titles={it.slug: it.title for it in initiatives},
                scenarios=scenarios, estimates=current, seed=risk_selectors.risk_settings(viewer).seed, notes=notes)


def _blocked(initiatives: list[Initiative], candidates: set[str], notes: list[str]) -> set[str]:
    blocked: set[str] = set()
    changed = True
    while changed:
        changed = False
        for it in initiatives:
            if it.slug in blocked:
                continue
            for other in it.requires.all():
                if (other.status not in CANDIDATE_STATUSES and other.status != "done") or other.slug in blocked:
                    blocked.add(it.slug)
                    notes.append(f"{it.slug}: left out, it requires {other.slug} which is {other.status}")
                    changed = True
                    break
    return blocked


def _readable_path(path: str, entries: list[dict[str, Any]]) -> str:
    """'initiatives[3].mandatory' -> 'initiatives[edr].mandatory' (positions mean nothing to a user)."""
    if path.startswith("initiatives["):
        index, _, rest = path.removeprefix("initiatives[").partition("]")
        if index.isdecimal() and int(index) < len(entries):
            return f"initiatives[{entries[int(index)]['id']}]{rest}"
    return path


# -- solving ------------------------------------------------------------------------------------------


def _solver(plan: Plan) -> PortfolioSolver:
    solver = _SOLVERS.get(plan.hash)
    if solver is None:
        solver = PortfolioSolver(plan.instance, SOLVER_OPTIONS)
        _SOLVERS[plan.hash] = solver
        while len(_SOLVERS) > _SOLVERS_KEPT:
            _SOLVERS.popitem(last=False)
    _SOLVERS.move_to_end(plan.hash)
    return solver


def _refuse_budget(error: InfeasibleBudget | InvalidInstance) -> ValidationFailed:
    return ValidationFailed(Problem(field=error.path, message=error.message))


def forced_cost(plan: Plan) -> float:
    inst = plan.instance
    return float(sum(inst.horizon_costs[inst.initiative_index[i]] for i in inst.forced))


def solve(plan: Plan, budget: float) -> Selection:
    if not math.isfinite(budget) or budget < 0:
        raise ValidationFailed.field("budget", "must be a finite amount >= 0")
    with _LOCK:
        try:
            return _solver(plan).solve(budget)
        except (InfeasibleBudget, InvalidInstance) as error:
            raise _refuse_budget(error) from None


# A frontier over more initiatives than this is computed as a job (the page follows it) rather than
# inside the request: each of its points is a mixed-integer solve.
INLINE_FRONTIER_INITIATIVES = 40


def _frontier_key(plan: Plan, points: int) -> str:
    return f"accord:portfolio:frontier:{plan.hash}:{points}"


def cached_frontier(plan: Plan, points: int = FRONTIER_POINTS) -> dict[str, Any] | None:
    """The frontier if it was computed for this very instance, else None."""
    found = cache.get(_frontier_key(plan, points))
    return dict(found) if found is not None else None


def frontier_document(plan: Plan, points: int = FRONTIER_POINTS) -> dict[str, Any]:
    """The frontier as JSON (the CLI's shape), computed once per instance and kept in the cache."""
    key = _frontier_key(plan, points)
    found = cache.get(key)
    if found is not None:
        return dict(found)
    with _LOCK:
        curve = compute_frontier(plan.instance, points, solver=_solver(plan))
    document = frontier_to_document(curve)
    cache.set(key, document, timeout=24 * 3600)
    return document


def frontier_to_document(curve: Frontier) -> dict[str, Any]:
    def finite(value: float | None) -> float | None:
        return value if value is not None and math.isfinite(value) else None

    return {
        "points": [{"budget": p.budget, "spend": p.spend, "residual_ale": p.residual_ale,
                    "risk_reduction": p.risk_reduction, "gap": finite(p.gap),
                    "marginal_return": finite(p.marginal_return), "selected": list(p.selected)}
                   for p in curve.points],
        "break_even": curve.break_even,
        "gordon_loeb_ceiling": curve.gordon_loeb_ceiling,
        "horizon_years": curve.horizon_years,
        "total_ale": curve.total_ale,
    }


@dataclass(frozen=True)
class Answer:
    """The best set for one budget, as the page, the API and the CLI show it."""

    plan: Plan
    selection: Selection
    contributions: list[Contribution]
    standalone: dict[str, float]
    years: tuple[YearCost, ...]

    @property
    def gap(self) -> float | None:
        return self.selection.gap if math.isfinite(self.selection.gap) else None

    def rows(self) -> list[dict[str, Any]]:
        """Each chosen initiative: its cost over the horizon, ΔALE alone and inside the set."""
        inst = self.plan.instance
        return [{"initiative": c.initiative, "title": self.plan.titles.get(c.initiative, c.initiative),
                 "cost": float(inst.horizon_costs[inst.initiative_index[c.initiative]]),
                 "delta_ale_alone": self.standalone[c.initiative], "delta_ale_in_set": c.marginal_reduction}
                for c in self.contributions]

    def as_dict(self) -> dict[str, Any]:
        sel = self.selection
        return {
            "budget_scenario_id": self.plan.budget_scenario.pk,
            "budget": sel.budget, "selected": list(sel.selected), "cost": sel.cost,
            "total_ale": self.plan.total_ale, "residual_ale": sel.residual_ale,
            "risk_reduction": sel.risk_reduction, "gap": self.gap,
            "contributions": self.rows(),
            "cost_by_year": [{"year": y.year, "one_off": y.one_off, "running": y.running, "total": y.total}
                             for y in self.years],
            "notes": list(self.plan.notes),
        }


def answer(plan: Plan, budget: float) -> Answer:
    selection = solve(plan, budget)
    inst = plan.instance
    return Answer(
        plan=plan, selection=selection,
        contributions=marginal_contributions(inst, selection.selected),
        standalone={i: standalone_reduction(inst, i) for i in selection.selected},
        years=cost_by_year(inst, selection.selected),
    )
