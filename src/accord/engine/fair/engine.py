"""Running a whole simulation: chunks over scenarios, folded into statistics, for a file or a list.

Work is cut into (chunk, unit) tasks, a unit being one scenario or one correlated group. Tasks run on
`threads` worker threads (numpy releases the GIL while it samples), each simulating its chunk and
summarising it (moments, threshold counts, sketch buckets). The summaries are folded strictly in task
order, and every task draws from its own branch of the seed tree, so the result is bit-identical for
any thread count. Every scenario draws from its own branch, correlated or not, so its figures are those
of its own run; a correlated group's task then pairs its members' years (`portfolio.reorder`). The
portfolio is the per-year sum, added in task order too; a file with a single scenario reuses that
scenario's statistics as the portfolio's (they are the same series).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from accord.engine import money
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
from accord.engine.fair.portfolio import RankTarget, RealisedCorrelation, build_target, reorder
from accord.engine.fair.randomness import Streams, fresh_seed
from accord.engine.fair.scenario import (
    MODELS,
    Correlation,
    Scenario,
    ScenarioFile,
    input_hash,
    parse_scenario_file,
)
from accord.engine.fair.simulate import ScenarioChunk, simulate_scenario_chunk
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
# A measured rank correlation further than this from the stated one is reported in the warnings.
CORRELATION_REPORT_TOLERANCE = 0.02


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
    # The input hash of this scenario simulated alone with the same settings: its figures here are
    # those of that run, so a stored run of the scenario with this hash shows the same numbers.
    input_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "input_hash": self.input_hash}
        data.update(self.stats.to_dict())
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
class CorrelationCheck:
    """The rank correlation stated between scenarios and the one their paired annual losses show
    (Spearman with mid-ranks for ties; None where a scenario loses the same amount every year)."""

    ids: tuple[str, ...]
    stated: tuple[tuple[float, ...], ...]
    realised: tuple[tuple[float | None, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ids": list(self.ids),
            "stated": [list(row) for row in self.stated],
            "realised": [list(row) for row in self.realised],
        }

    def misses(self) -> list[str]:
        """Warnings for the pairs whose losses could not show the stated rank correlation."""
        found = []
        for i, first in enumerate(self.ids):
            for j in range(i + 1, len(self.ids)):
                stated, realised = self.stated[i][j], self.realised[i][j]
                if realised is None:
                    found.append(
                        f"correlation: {first} or {self.ids[j]} loses the same amount every simulated year, "
                        "so their rank correlation is undefined and was not applied"
                    )
                elif abs(realised - stated) > CORRELATION_REPORT_TOLERANCE:
                    found.append(
                        f"correlation: the annual losses of {first} and {self.ids[j]} show a rank correlation of "
                        f"{realised:.2f}, not the {stated:.2f} stated; it is the closest these losses allow "
                        "(years without a loss tie, which limits how far ranks can move together)"
                    )
        return found


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
    correlation: CorrelationCheck | None = None

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
            "correlation": None if self.correlation is None else self.correlation.to_dict(),
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
    target: RankTarget | None = None  # a correlated group's rank correlation


def _units(scenarios: Sequence[Scenario], target: RankTarget | None) -> list[_Unit]:
    grouped = set(target.ids) if target else set()
    units = [_Unit((s,)) for s in scenarios if s.id not in grouped]
    if target is not None:
        by_id = {s.id: s for s in scenarios}
        units.append(_Unit(tuple(by_id[i] for i in target.ids), target))
    return units


@dataclass(frozen=True)
class _UnitYears:
    """One chunk of a unit: each member's own simulation, and its years as the portfolio pairs them."""

    chunks: tuple[ScenarioChunk, ...]
    paired: tuple[np.ndarray, ...]
    realised: np.ndarray | None = None  # a group's measured rank correlation in this chunk


def _simulate_unit(unit: _Unit, model: str, seed: int, index: int, size: int) -> _UnitYears:
    chunks = tuple(simulate_scenario_chunk(s, model, seed, index, size) for s in unit.scenarios)
    baselines = tuple(chunk.baseline for chunk in chunks)
    if unit.target is None:
        return _UnitYears(chunks, baselines)
    # The pairing has its own branch of the seed tree, so it never disturbs the members' draws.
    rng = Streams(seed, "group:" + "|".join(unit.target.ids), index).rng("pairing")
    paired = reorder(baselines, unit.target, rng)
    return _UnitYears(chunks, paired.years, paired.realised)


@dataclass(frozen=True)
class _ScenarioPiece:
    """One chunk of one scenario, summarised on the worker thread."""

    baseline: ChunkSummary
    combined: ChunkSummary | None
    savings: tuple[tuple[int, float, float], ...]


def _summarize(chunk: ScenarioChunk, layout: SeriesLayout) -> _ScenarioPiece:
    return _ScenarioPiece(
        baseline=layout.summarize(chunk.baseline),
        combined=layout.summarize(chunk.combined) if chunk.combined is not None else None,
        savings=tuple(moments_of(chunk.baseline - controlled) for controlled in chunk.per_control),
    )


@dataclass(frozen=True)
class _UnitPiece:
    """One task's answer: the members' summaries and the unit's share of the portfolio's years."""

    pieces: tuple[_ScenarioPiece, ...]
    portfolio_years: np.ndarray | None
    realised: np.ndarray | None


def _sum_years(paired: Sequence[np.ndarray]) -> np.ndarray:
    """A unit's years summed in member order (the same bits for any thread count). A lone scenario's
    own years come back as they are: its exact quantiles keep them, so the fold copies before adding."""
    if len(paired) == 1:
        return paired[0]
    total = paired[0] + paired[1]
    for years in paired[2:]:
        total += years
    return total


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

    def finish(self, model: str, solo_hash: str) -> ScenarioResult:
        scenario = self.scenario
        base_analytic = analytic_mean(scenario, model)
        effects = []
        for control, moments in zip(scenario.controls, self.savings, strict=True):
            se = moments.standard_error
            # A control has a yearly cost only, so that cost is its annualised cost (accord.engine.money).
            rosi = money.rosi(moments.mean, control.annual_cost)
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
            input_hash=solo_hash,
        )


def _spec(
    scenarios: Sequence[Scenario],
    *,
    currency: str,
    model: str,
    years: int,
    seed: int,
    appetite: Sequence[tuple[float, float]],
    correlation: Correlation | None,
) -> dict[str, Any]:
    """Everything that determines a result (its input hash is the SHA-256 of this)."""
    file = ScenarioFile(tuple(scenarios), currency, model, years, seed, tuple(appetite), correlation)
    return {"file": file.spec(), "years": years, "seed": seed, "model": model}


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
    target = build_target(correlation) if correlation is not None else None
    warnings = [text for scenario in scenarios for text in scenario.warnings()]
    if target is not None and target.repaired:
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
    realised = RealisedCorrelation(len(target.ids)) if target is not None else None
    units = _units(scenarios, target)
    sizes = chunk_sizes(years)
    tasks = [(index, size, unit) for index, size in enumerate(sizes) for unit in units]

    def run(task: tuple[int, int, _Unit]) -> _UnitPiece:
        index, size, unit = task
        simulated = _simulate_unit(unit, model, seed, index, size)
        return _UnitPiece(
            pieces=tuple(_summarize(chunk, layout) for chunk in simulated.chunks),
            portfolio_years=_sum_years(simulated.paired) if separate_portfolio else None,
            realised=simulated.realised,
        )

    total: np.ndarray | None = None
    workers = default_threads() if threads is None else max(1, threads)
    for done, answer in enumerate(ordered_map(run, tasks, min(workers, len(tasks)))):
        _, size, unit = tasks[done]
        for scenario, piece in zip(unit.scenarios, answer.pieces, strict=True):
            folds[scenario.id].add(piece)
        if answer.realised is not None and realised is not None:
            realised.add(answer.realised, size)
        if answer.portfolio_years is not None:
            # Added in task order, so the per-year sums are the same bits for any thread count.
            years_in = answer.portfolio_years
            total = years_in.copy() if total is None else np.add(total, years_in, out=total)
        if separate_portfolio and (done + 1) % len(units) == 0:
            assert total is not None and total.size == size  # noqa: S101
            portfolio.add(total)
            total = None

    def solo_hash(scenario: Scenario) -> str:
        return input_hash(_spec([scenario], currency=currency, model=model, years=years, seed=seed,
                                appetite=appetite, correlation=None))

    results = tuple(folds[s.id].finish(model, solo_hash(s)) for s in scenarios)
    if separate_portfolio:
        portfolio_stats = portfolio.finish(sum(r.stats.analytic_mean or 0.0 for r in results))
    else:
        portfolio_stats = results[0].stats
    check = None
    if target is not None and realised is not None:
        check = CorrelationCheck(
            ids=target.ids,
            stated=tuple(tuple(float(v) for v in row) for row in target.stated),
            realised=tuple(tuple(row) for row in realised.matrix()),
        )
        if realised.paired:
            warnings.extend(check.misses())
        else:
            warnings.append(f"correlation: {years:,} simulated years are too few to pair the correlated "
                            "scenarios' years; they were added up as independent")
    spec = _spec(scenarios, currency=currency, model=model, years=years, seed=seed, appetite=appetite,
                 correlation=correlation)
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
        correlation=check,
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


def portfolio_years(
    scenarios: Sequence[Scenario],
    *,
    years: int,
    seed: int,
    model: str = "event",
    correlation: Correlation | None = None,
) -> dict[str, np.ndarray]:
    """Each scenario's simulated years as the portfolio adds them up (paired when correlated).

    Keeps every year in memory: for checks and small runs; `simulate_scenarios` streams instead."""
    target = build_target(correlation) if correlation is not None else None
    found: dict[str, list[np.ndarray]] = {s.id: [] for s in scenarios}
    for index, size in enumerate(chunk_sizes(years)):
        for unit in _units(scenarios, target):
            paired = _simulate_unit(unit, model, seed, index, size).paired
            for scenario, part in zip(unit.scenarios, paired, strict=True):
                found[scenario.id].append(part)
    return {ident: np.concatenate(parts) for ident, parts in found.items()}
