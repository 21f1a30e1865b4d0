"""Running a whole simulation: chunks over scenarios, folded into statistics, for a file or a list.

Work is cut into (chunk, unit) tasks, a unit being one scenario or one correlated group. Tasks run on
`threads` worker threads (numpy releases the GIL while it samples), each simulating its chunk and
summarising it (moments, threshold counts, sketch buckets). The summaries are folded strictly in task
order, and every task draws from its own branch of the seed tree, so the result is bit-identical for
any thread count. The portfolio is the per-year sum, added in task order too; a file with a single
scenario reuses that scenario's statistics as the portfolio's (they are the same series).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from accord.engine.fair.analytic import analytic_mean
from accord.engine.fair.constants import (
    CHUNK_YEARS,
    DEFAULT_YEARS,
    ENGINE_VERSION,
    EXACT_QUANTILE_LIMIT,
    MAX_YEARS,
    SKETCH_RELATIVE_ERROR,
    Z90,
)
from accord.engine.fair.errors import InvalidScenario
from accord.engine.fair.portfolio import Copula, build_copula
from accord.engine.fair.randomness import fresh_seed
from accord.engine.fair.scenario import (
    MODELS,
    Correlation,
    Scenario,
    ScenarioFile,
    input_hash,
    parse_scenario_file,
)
from accord.engine.fair.simulate import ScenarioChunk, simulate_group_chunk, simulate_scenario_chunk
from accord.engine.fair.stats import (
    ChunkSummary,
    Moments,
    SeriesAccumulator,
    SeriesLayout,
    SeriesStats,
    lec_thresholds,
    moments_of,
)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ControlEffect:
    """What one control changes in its scenario, measured on common random numbers."""

    name: str
    factor: str
    annual_cost: float
    delta_mean: float
    delta_mean_se: float
    delta_mean_ci90: tuple[float, float]
    analytic_delta_mean: float
    rosi: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "factor": self.factor,
            "annual_cost": self.annual_cost,
            "delta_mean": self.delta_mean,
            "delta_mean_ci90": list(self.delta_mean_ci90),
            "rosi": self.rosi,
        }


@dataclass(frozen=True)
class ScenarioResult:
    id: str
    name: str
    stats: SeriesStats
    warnings: tuple[str, ...] = ()
    controls: tuple[ControlEffect, ...] = ()
    with_controls: SeriesStats | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, **self.stats.to_dict()}
        data["warnings"] = list(self.warnings)
        if self.controls:
            data["controls"] = [control.to_dict() for control in self.controls]
            data["with_controls"] = self.with_controls.to_dict() if self.with_controls else None
        return data


@dataclass(frozen=True)
class AppetiteCheck:
    loss: float
    tolerance: float
    probability: float

    @property
    def within(self) -> bool:
        return self.probability <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {
            "loss": self.loss,
            "tolerance": self.tolerance,
            "probability": self.probability,
            "within": self.within,
        }


@dataclass(frozen=True)
class SimulationResult:
    engine_version: str
    seed: int
    years: int
    model: str
    currency: str
    input_hash: str
    warnings: tuple[str, ...]
    scenarios: tuple[ScenarioResult, ...]
    portfolio: SeriesStats
    appetite: tuple[AppetiteCheck, ...] = field(default=())

    def scenario(self, ident: str) -> ScenarioResult:
        return next(result for result in self.scenarios if result.id == ident)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document `accord risks simulate --json` prints."""
        return {
            "engine_version": self.engine_version,
            "seed": self.seed,
            "years": self.years,
            "model": self.model,
            "currency": self.currency,
            "input_hash": self.input_hash,
            "warnings": list(self.warnings),
            "scenarios": [result.to_dict() for result in self.scenarios],
            "portfolio": self.portfolio.to_dict(),
            "appetite": [check.to_dict() for check in self.appetite],
        }


# ---- running -------------------------------------------------------------------------------------


def default_threads() -> int:
    """One worker per CPU this process may use (results do not depend on it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(function: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """map() on a thread pool, yielding in input order, with a bounded number of tasks in flight."""
    if threads <= 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def chunk_sizes(years: int) -> list[int]:
    full, rest = divmod(years, CHUNK_YEARS)
    return [CHUNK_YEARS] * full + ([rest] if rest else [])


@dataclass(frozen=True)
class _Unit:
    scenarios: tuple[Scenario, ...]
    copula: Copula | None = None


def _units(scenarios: Sequence[Scenario], copula: Copula | None) -> list[_Unit]:
    grouped = set(copula.ids) if copula else set()
    units = [_Unit((s,)) for s in scenarios if s.id not in grouped]
    if copula is not None:
        by_id = {s.id: s for s in scenarios}
        units.append(_Unit(tuple(by_id[i] for i in copula.ids), copula))
    return units


@dataclass(frozen=True)
class _ScenarioPiece:
    """One chunk of one scenario, summarised on the worker thread."""

    baseline: ChunkSummary
    combined: ChunkSummary | None
    savings: tuple[tuple[int, float, float], ...]
    annual: np.ndarray | None  # the baseline years, kept only when the portfolio needs them


def _summarize(chunk: ScenarioChunk, layout: SeriesLayout, keep_annual: bool) -> _ScenarioPiece:
    return _ScenarioPiece(
        baseline=layout.summarize(chunk.baseline),
        combined=layout.summarize(chunk.combined) if chunk.combined is not None else None,
        savings=tuple(moments_of(chunk.baseline - controlled) for controlled in chunk.per_control),
        annual=chunk.baseline if keep_annual else None,
    )


class _ScenarioFold:
    """Accumulators of one scenario: baseline, all controls together, and each control's savings."""

    def __init__(self, scenario: Scenario, layout: SeriesLayout) -> None:
        self.scenario = scenario
        self.baseline = SeriesAccumulator(layout.thresholds, layout.exact, layout)
        self.combined = (
            SeriesAccumulator(layout.thresholds, layout.exact, layout) if scenario.controls else None
        )
        self.savings = [Moments() for _ in scenario.controls]

    def add(self, piece: _ScenarioPiece) -> None:
        self.baseline.merge(piece.baseline)
        if self.combined is not None and piece.combined is not None:
            self.combined.merge(piece.combined)
        for moments, saving in zip(self.savings, piece.savings, strict=True):
            moments.merge(*saving)

    def finish(self, model: str) -> ScenarioResult:
        scenario = self.scenario
        base_analytic = analytic_mean(scenario, model)
        effects = []
        for control, moments in zip(scenario.controls, self.savings, strict=True):
            se = moments.standard_error
            rosi = (
                (moments.mean - control.annual_cost) / control.annual_cost
                if control.annual_cost > 0
                else None
            )
            effects.append(
                ControlEffect(
                    name=control.name,
                    factor=control.factor,
                    annual_cost=control.annual_cost,
                    delta_mean=moments.mean,
                    delta_mean_se=se,
                    delta_mean_ci90=(moments.mean - Z90 * se, moments.mean + Z90 * se),
                    analytic_delta_mean=base_analytic - analytic_mean(scenario, model, (control,)),
                    rosi=rosi,
                )
            )
        with_controls = None
        if self.combined is not None:
            with_controls = self.combined.finish(analytic_mean(scenario, model, scenario.controls))
        return ScenarioResult(
            id=scenario.id,
            name=scenario.name or scenario.id,
            stats=self.baseline.finish(base_analytic),
            warnings=tuple(scenario.warnings()),
            controls=tuple(effects),
            with_controls=with_controls,
        )


def simulate_scenarios(
    scenarios: Sequence[Scenario],
    *,
    years: int = DEFAULT_YEARS,
    seed: int | None = None,
    model: str = "event",
    correlation: Correlation | None = None,
    appetite: Sequence[tuple[float, float]] = (),
    currency: str = "USD",
    threads: int | None = None,
) -> SimulationResult:
    """Simulate `scenarios` (each with its listed controls) and their sum, the portfolio.

    `threads` (default: one per CPU) changes only the speed, never a single bit of the result."""
    if model not in MODELS:
        raise InvalidScenario("field model", "must be event or rate")
    if not 1 <= years <= MAX_YEARS:
        raise InvalidScenario("field years", f"must be between 1 and {MAX_YEARS:,}")
    if not scenarios:
        raise InvalidScenario("field scenarios", "must be a non-empty list")
    seed = fresh_seed() if seed is None else seed
    if seed < 0:
        raise InvalidScenario("field seed", "must be >= 0")
    copula = build_copula(correlation) if correlation is not None else None
    warnings = [text for scenario in scenarios for text in scenario.warnings()]
    if copula is not None and copula.repaired:
        warnings.append(
            "correlation: the matrix is not a valid correlation matrix (after the rank-to-normal conversion); "
            "the nearest valid one was used"
        )

    thresholds = lec_thresholds(loss for loss, _ in appetite)
    # One scenario is its own portfolio: the same years, so the same statistics, computed once.
    separate_portfolio = len(scenarios) > 1
    series = len(scenarios) + sum(1 for s in scenarios if s.controls) + int(separate_portfolio)
    exact = years * series <= EXACT_QUANTILE_LIMIT
    if not exact:
        warnings.append(
            f"quantiles and tail means come from a log-bucket sketch (relative error <= {SKETCH_RELATIVE_ERROR:.1%}) "
            f"because {years:,} years x {series} series exceed the exact limit; means, P(loss > 0) and the "
            "loss exceedance curve are exact counts"
        )
    layout = SeriesLayout(thresholds, exact)
    folds = {s.id: _ScenarioFold(s, layout) for s in scenarios}
    portfolio = SeriesAccumulator(thresholds, exact, layout)
    units = _units(scenarios, copula)
    sizes = chunk_sizes(years)
    tasks = [(index, size, unit) for index, size in enumerate(sizes) for unit in units]

    def run(task: tuple[int, int, _Unit]) -> list[_ScenarioPiece]:
        index, size, unit = task
        if unit.copula is None:
            chunks = [simulate_scenario_chunk(unit.scenarios[0], model, seed, index, size)]
        else:
            chunks = simulate_group_chunk(unit.scenarios, unit.copula, model, seed, index, size)
        return [_summarize(chunk, layout, separate_portfolio) for chunk in chunks]

    total: np.ndarray | None = None
    workers = default_threads() if threads is None else max(1, threads)
    for done, pieces in enumerate(ordered_map(run, tasks, min(workers, len(tasks)))):
        _, size, unit = tasks[done]
        for scenario, piece in zip(unit.scenarios, pieces, strict=True):
            folds[scenario.id].add(piece)
            if piece.annual is not None:
                # Added in task order, so the per-year sums are the same bits for any thread count.
                total = piece.annual.copy() if total is None else np.add(total, piece.annual, out=total)
        if separate_portfolio and (done + 1) % len(units) == 0:
            assert total is not None and total.size == size  # noqa: S101
            portfolio.add(total)
            total = None

    results = tuple(folds[s.id].finish(model) for s in scenarios)
    if separate_portfolio:
        portfolio_stats = portfolio.finish(sum(r.stats.analytic_mean or 0.0 for r in results))
    else:
        portfolio_stats = results[0].stats
    spec = {
        "file": ScenarioFile(
            tuple(scenarios), currency, model, years, seed, tuple(appetite), correlation
        ).spec(),
        "years": years,
        "seed": seed,
        "model": model,
    }
    return SimulationResult(
        engine_version=ENGINE_VERSION,
        seed=seed,
        years=years,
        model=model,
        currency=currency,
        input_hash=input_hash(spec),
        warnings=tuple(warnings),
        scenarios=results,
        portfolio=portfolio_stats,
        appetite=tuple(
            AppetiteCheck(loss, tol, portfolio_stats.prob_exceeding(loss)) for loss, tol in appetite
        ),
    )


def simulate_parsed(
    parsed: ScenarioFile,
    *,
    years: int | None = None,
    seed: int | None = None,
    model: str | None = None,
    threads: int | None = None,
) -> SimulationResult:
    """Simulate a parsed file; arguments override the file's own years, seed and model."""
    return simulate_scenarios(
        parsed.scenarios,
        years=years if years is not None else parsed.years or DEFAULT_YEARS,
        seed=seed if seed is not None else parsed.seed,
        model=model or parsed.model or "event",
        correlation=parsed.correlation,
        appetite=parsed.appetite,
        currency=parsed.currency,
        threads=threads,
    )


def simulate_file(
    data: dict[str, Any],
    *,
    years: int | None = None,
    seed: int | None = None,
    model: str | None = None,
    threads: int | None = None,
) -> SimulationResult:
    """Check and simulate a scenario file already loaded from YAML or JSON (raises InvalidScenario)."""
    return simulate_parsed(parse_scenario_file(data), years=years, seed=seed, model=model, threads=threads)


def mean_annual_loss(scenario: Scenario, *, years: int, seed: int, model: str = "event") -> float:
    """Simulated mean annual loss of one scenario alone (no controls, no statistics beyond the mean)."""
    moments = Moments()
    bare = replace(scenario, controls=())
    for index, size in enumerate(chunk_sizes(years)):
        moments.add(simulate_scenario_chunk(bare, model, seed, index, size).baseline)
    return moments.mean
