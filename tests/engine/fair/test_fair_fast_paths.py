"""The fast paths give the same numbers as the plain numpy ones: threshold counts, exact quantiles,
the Poisson sampler, the single-scenario portfolio."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from accord.engine.fair import Pert, Scenario, simulate_scenarios
from accord.engine.fair.beta_sampler import CELLS, sample_beta
from accord.engine.fair.simulate import INVERSION_MAX_RATE, poisson_counts
from accord.engine.fair.stats import SeriesAccumulator, ThresholdIndex, lec_thresholds


def _awkward_values(thresholds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Thresholds themselves, their floating-point neighbours, cell edges, zeros, extremes, noise."""
    edges = 10.0 ** ((np.arange(-80, 600) + 0.5) / ThresholdIndex.CELLS_PER_DECADE)
    return np.concatenate(
        [
            thresholds,
            np.nextafter(thresholds, 0.0),
            np.nextafter(thresholds, np.inf),
            edges,
            np.nextafter(edges, 0.0),
            np.nextafter(edges, np.inf),
            [0.0, 5e-324, 1e-300, 0.999999, 1.0, 1e13, 1e300],
            rng.lognormal(10.0, 5.0, 50_000),
        ]
    )


@pytest.mark.parametrize(
    "extra",
    [(), (123_456.0,), (1e6, 1e7), (3.1622776601683795, 5.0, 7.0, 11.0, 13.0, 17.0, 19.0)],
)
def test_threshold_index_counts_equal_binary_search(extra):
    thresholds = lec_thresholds(extra)
    index = ThresholdIndex(thresholds)
    values = _awkward_values(thresholds, np.random.default_rng(len(extra)))
    with np.errstate(divide="ignore"):
        log10 = np.log10(values)
    counts = index.counts_below(values, log10, float(values.min()))
    assert np.array_equal(counts, np.searchsorted(thresholds, values, side="left"))


def test_threshold_index_uses_the_table_for_the_curve_grid():
    # The point of the class: the 131 grid thresholds all fit the lookup table.
    index = ThresholdIndex(lec_thresholds())
    assert index.use_table and index.loose == ()


@pytest.mark.parametrize("seed", range(12))
def test_exact_quantiles_and_tail_equal_numpy(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40_000))
    share_with_loss = rng.random()
    values = rng.lognormal(11.0, 2.0, n) * (rng.random(n) < share_with_loss)
    if seed % 3 == 0:
        values = rng.random(n) * 2.0  # everything in the lowest bins
    accumulator = SeriesAccumulator(lec_thresholds(), exact=True)
    for part in np.array_split(values, 3):
        accumulator.add(part.copy())
    result = accumulator.finish(None)
    expected = np.quantile(values, (0.05, 0.5, 0.9, 0.95, 0.99))
    assert (result.p5, result.p50, result.p90, result.p95, result.p99) == tuple(expected)
    top = max(1, math.ceil(n * 0.01))
    assert result.tail_mean_p99 == pytest.approx(np.sort(values)[-top:].mean(), rel=1e-12)
    assert result.mean == pytest.approx(values.mean(), rel=1e-12)
    assert result.prob_loss == np.count_nonzero(values) / n


@pytest.mark.parametrize("rate", [0.0, 0.02, 0.7, 3.0, 9.5, INVERSION_MAX_RATE + 2.0, 150.0])
def test_poisson_counts_follow_the_poisson_law(rate):
    draws = poisson_counts(np.random.default_rng(int(rate * 10)), np.full(200_000, rate))
    if rate == 0.0:
        assert not draws.any()
        return
    values, observed = np.unique(draws, return_counts=True)
    expected = stats.poisson(rate).pmf(values) * draws.size
    kept = expected > 20
    chi2 = float(((observed[kept] - expected[kept]) ** 2 / expected[kept]).sum())
    # Far beyond the 99.9th percentile of the chi-square law only if the sampler is wrong.
    assert chi2 < stats.chi2(int(kept.sum()) - 1).ppf(0.999)
    assert abs(draws.mean() - rate) < 5 * math.sqrt(rate / draws.size)


def test_poisson_counts_handle_mixed_rates_in_one_call():
    rng = np.random.default_rng(3)
    rate = np.where(rng.random(300_000) < 0.5, 0.4, 40.0)
    draws = poisson_counts(rng, rate)
    for value in (0.4, 40.0):
        chosen = draws[rate == value]
        assert abs(chosen.mean() - value) < 5 * math.sqrt(value / chosen.size)
        assert abs(chosen.var() - value) < 0.05 * value


def test_single_scenario_portfolio_is_the_scenario_and_threads_change_nothing():
    scenario = Scenario(
        "s",
        Pert(10_000, 150_000, 2_000_000),
        tef=Pert(0.5, 2, 10),
        vulnerability=Pert(0.05, 0.2, 0.5),
    )
    one = simulate_scenarios([scenario], years=300_000, seed=5, threads=1)
    two = simulate_scenarios([scenario], years=300_000, seed=5, threads=2)
    assert one.to_dict() == two.to_dict()
    assert one.portfolio.to_dict() == one.scenarios[0].stats.to_dict()


@pytest.mark.parametrize(
    ("alpha", "beta"),
    [
        (2.3, 5.1),
        (1.0, 5.0),
        (5.0, 1.0),
        (1.0, 1.0),
        (1.2, 1.3),
        (9.0, 2.0),
        (21.0, 1.0),
        (50.0, 2.0),
        (300.0, 400.0),
        (1.28, 4.72),
    ],
)
def test_table_beta_sampler_draws_the_beta_law(alpha, beta):
    draws = sample_beta(np.random.default_rng(int(alpha * 100 + beta)), alpha, beta, 400_000)
    law = stats.beta(alpha, beta)
    assert stats.kstest(draws, law.cdf).pvalue > 1e-4
    assert abs(draws.mean() - law.mean()) < 5 * law.std() / math.sqrt(draws.size)
    assert abs(draws.var() / law.var() - 1.0) < 0.02
    # Each of the sampler's cells holds probability 1/CELLS exactly; a wrong cell would show here.
    cells = np.minimum((law.cdf(draws) * CELLS).astype(int), CELLS - 1)
    observed = np.bincount(cells, minlength=CELLS)
    assert stats.chisquare(observed).pvalue > 1e-4
    # Within the end cells the density changes most: there the rejection step must shape the draws.
    for cell in (0, CELLS - 1):
        within = law.cdf(draws[cells == cell]) * CELLS - cell
        assert stats.kstest(within, "uniform").pvalue > 1e-4


def test_table_beta_sampler_is_reproducible_and_falls_back_below_one():
    a = sample_beta(np.random.default_rng(9), 2.0, 3.0, 10_000)
    b = sample_beta(np.random.default_rng(9), 2.0, 3.0, 10_000)
    assert np.array_equal(a, b)
    # alpha < 1: the density is unbounded at 0, numpy's sampler is used.
    fallback = sample_beta(np.random.default_rng(9), 0.5, 3.0, 10_000)
    assert np.array_equal(fallback, np.random.default_rng(9).beta(0.5, 3.0, 10_000))


@pytest.mark.parametrize("exact", [True, False])
def test_summaries_count_zeros_and_even_negative_values_exactly(exact):
    # Losses are never negative, but the statistics must not silently depend on it.
    rng = np.random.default_rng(8)
    values = rng.lognormal(9.0, 3.0, 20_000) * (rng.random(20_000) < 0.4)
    values[:50] = -rng.random(50) * 10.0
    thresholds = lec_thresholds((0.0, 250.0))
    accumulator = SeriesAccumulator(thresholds, exact=exact)
    for part in np.array_split(values, 4):
        accumulator.add(part.copy())
    result = accumulator.finish(None)
    expected = [np.count_nonzero(values > t) / values.size for t in thresholds]
    assert list(result.exceedance) == expected
    assert result.stdev == pytest.approx(values.std(ddof=1), rel=1e-12)
    assert result.prob_loss == np.count_nonzero(values > 0) / values.size
    if exact:
        assert result.p50 == np.quantile(values, 0.5) and result.p99 == np.quantile(values, 0.99)
