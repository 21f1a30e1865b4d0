"""Simulation: closed forms, reproducibility, controls, correlation, streaming statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.engine.fair import (
    ENGINE_VERSION,
    Constant,
    Control,
    Correlation,
    Lognormal90,
    Pert,
    Scenario,
    Uniform,
    control_effects,
    simulate_file,
    simulate_scenarios,
)
from accord.engine.fair import engine as engine_module
from accord.engine.fair.constants import CHUNK_YEARS
from accord.engine.fair.engine import chunk_sizes
from accord.engine.fair.simulate import simulate_scenario_chunk

LOSS = Lognormal90(20_000, 900_000)


def ransomware(**changes) -> Scenario:
    base = {
        "id": "ransomware",
        "tef": Pert(0.5, 2, 10),
        "vulnerability": Pert(0.05, 0.2, 0.5),
        "primary_loss": Pert(10_000, 150_000, 2_000_000),
        "secondary_loss_event_frequency": Constant(0.3),
        "secondary_loss": Lognormal90(50_000, 5_000_000),
    }
    base.update(changes)
    return Scenario(**base)


def annual_losses(scenario: Scenario, years: int, seed: int, model: str = "event") -> np.ndarray:
    parts = [
        simulate_scenario_chunk(scenario, model, seed, i, n).baseline
        for i, n in enumerate(chunk_sizes(years))
    ]
    return np.concatenate(parts)


def test_poisson_times_lognormal_mean_and_no_loss_probability():
    lam = 1.7
    result = simulate_scenarios([Scenario("s", LOSS, lef=Constant(lam))], years=200_000, seed=11)
    stats = result.scenarios[0].stats
    assert stats.analytic_mean == pytest.approx(lam * LOSS.mean(), rel=1e-12)
    assert abs(stats.mean - lam * LOSS.mean()) < 4 * stats.mean_se
    p_none = math.exp(-lam)
    assert abs((1 - stats.prob_loss) - p_none) < 4 * math.sqrt(p_none * (1 - p_none) / 200_000)


def test_bernoulli_years_lose_at_most_one_event():
    scenario = Scenario("b", Constant(1000.0), lef=Constant(0.3), events="bernoulli")
    losses = annual_losses(scenario, 50_000, seed=3)
    assert set(np.unique(losses)) == {0.0, 1000.0}
    assert abs(np.mean(losses > 0) - 0.3) < 4 * math.sqrt(0.21 / 50_000)


def test_event_and_rate_models_agree_on_the_mean_not_on_the_tail():
    scenario = ransomware()
    event = simulate_scenarios([scenario], years=150_000, seed=5, model="event").scenarios[0].stats
    rate = simulate_scenarios([scenario], years=150_000, seed=5, model="rate").scenarios[0].stats
    assert event.analytic_mean == pytest.approx(rate.analytic_mean)
    for stats in (event, rate):
        assert abs(stats.mean - stats.analytic_mean) < 4.5 * stats.mean_se
    assert rate.prob_loss == 1.0  # the rate model loses a fraction every year
    assert event.prob_loss < 0.6


def test_capability_against_resistance_is_compared_per_event():
    scenario = Scenario(
        "tc",
        Constant(100.0),
        tef=Constant(4.0),
        threat_capability=Uniform(0.0, 1.0),
        resistance_strength=Constant(0.75),
    )
    losses = annual_losses(scenario, 100_000, seed=8)
    # per event: loss events ~ Poisson(4 x 0.25) = Poisson(1); a collapsed per-year draw would give
    # either 0 or 4 events, never 1, 2 or 3.
    counts = np.bincount((losses / 100).astype(int))
    assert counts[1] > 0 and counts[2] > 0 and counts[3] > 0
    assert abs(np.mean(losses == 0) - math.exp(-1)) < 0.006
    stats = simulate_scenarios([scenario], years=20_000, seed=8).scenarios[0].stats
    assert stats.analytic_mean == pytest.approx(100.0, rel=1e-9)


def test_same_seed_same_numbers_whatever_the_thread_count():
    scenarios = [ransomware(), Scenario("bec", LOSS, lef=Constant(0.8), events="bernoulli")]
    kwargs = {"years": 2 * CHUNK_YEARS + 1000, "seed": 42}
    one = simulate_scenarios(scenarios, threads=1, **kwargs).to_dict()
    three = simulate_scenarios(scenarios, threads=3, **kwargs).to_dict()
    assert one == three
    other = simulate_scenarios(scenarios, threads=1, years=kwargs["years"], seed=43).to_dict()
    assert other["scenarios"][0]["mean"] != one["scenarios"][0]["mean"]


def test_correlated_group_is_thread_independent_too():
    scenarios = [ransomware(), ransomware(id="copy")]
    corr = Correlation(("ransomware", "copy"), ((1.0, 0.5), (0.5, 1.0)))
    a = simulate_scenarios(scenarios, years=30_000, seed=1, correlation=corr, threads=1).to_dict()
    b = simulate_scenarios(scenarios, years=30_000, seed=1, correlation=corr, threads=2).to_dict()
    assert a == b


def test_global_random_state_is_untouched():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    simulate_scenarios([ransomware()], years=5_000, seed=1)
    assert np.array_equal(np.random.get_state()[1], before)


def test_a_scenario_does_not_depend_on_its_neighbours():
    alone = simulate_scenarios([ransomware()], years=20_000, seed=9).scenarios[0].stats
    together = (
        simulate_scenarios([Scenario("other", LOSS, lef=Constant(2.0)), ransomware()], years=20_000, seed=9)
        .scenario("ransomware")
        .stats
    )
    assert alone == together


def test_zero_effect_control_changes_nothing_exactly():
    controls = tuple(
        Control(f"noop-{factor}", factor, Constant(0.0))
        for factor in (
            "tef",
            "vulnerability",
            "primary_loss",
            "secondary_loss",
            "secondary_loss_event_frequency",
        )
    )
    for model in ("event", "rate"):
        result = simulate_scenarios([ransomware(controls=controls)], years=30_000, seed=2, model=model)
        scenario = result.scenarios[0]
        assert scenario.with_controls is not None
        assert scenario.with_controls.to_dict() | {"analytic_mean": None} == scenario.stats.to_dict() | {
            "analytic_mean": None
        }
        for effect in scenario.controls:
            assert effect.delta_mean == 0.0
            assert effect.delta_mean_ci90 == (0.0, 0.0)


@pytest.mark.parametrize(
    "factor", ["tef", "vulnerability", "primary_loss", "secondary_loss", "secondary_loss_event_frequency"]
)
def test_controls_match_their_analytic_effect(factor):
    control = Control("c", factor, Pert(0.2, 0.4, 0.6), annual_cost=50_000)
    result = simulate_scenarios([ransomware(controls=(control,))], years=100_000, seed=4)
    effect = result.scenarios[0].controls[0]
    assert abs(effect.delta_mean - effect.analytic_delta_mean) < 4.5 * effect.delta_mean_se
    assert effect.rosi == pytest.approx((effect.delta_mean - 50_000) / 50_000)
    low, high = effect.delta_mean_ci90
    assert low < effect.delta_mean < high


def test_common_random_numbers_make_the_saving_precise():
    control = Control("c", "primary_loss", Constant(0.5))
    result = simulate_scenarios([ransomware(controls=(control,))], years=50_000, seed=4)
    scenario = result.scenarios[0]
    # halving every primary loss: the saving's standard error is far below an unpaired difference's
    assert scenario.controls[0].delta_mean_se < 0.5 * scenario.stats.mean_se


def test_control_effects_for_the_portfolio_optimiser():
    scenario = ransomware()
    control = Control("edr", "vulnerability", Constant(0.25))
    changes = control_effects([scenario], {"ransomware": [control]}, years=50_000, seed=6)
    change = changes["ransomware"]
    assert change.mean_with == pytest.approx(change.mean_without - change.delta_mean)
    assert (
        abs(change.delta_mean - 0.25 * change.mean_without)
        < 4.5 * change.delta_mean_se + 0.01 * change.mean_without
    )
    none = control_effects([scenario], {}, years=50_000, seed=6)["ransomware"]
    assert none.delta_mean == 0.0 and none.mean_without == change.mean_without


def test_perfect_correlation_adds_quantiles():
    scenarios = [ransomware(), ransomware(id="copy")]
    corr = Correlation(("ransomware", "copy"), ((1.0, 1.0), (1.0, 1.0)))
    result = simulate_scenarios(scenarios, years=40_000, seed=12, correlation=corr)
    a, b, total = result.scenarios[0].stats, result.scenarios[1].stats, result.portfolio
    for key in ("p50", "p90", "p95", "p99", "tail_mean_p99", "mean"):
        assert getattr(total, key) == pytest.approx(getattr(a, key) + getattr(b, key), rel=1e-12)
    assert not result.warnings


def test_correlation_moves_the_tail_not_the_mean():
    scenarios = [ransomware(), ransomware(id="copy")]
    independent = simulate_scenarios(scenarios, years=60_000, seed=13).portfolio
    corr = Correlation(("ransomware", "copy"), ((1.0, 0.9), (0.9, 1.0)))
    correlated = simulate_scenarios(scenarios, years=60_000, seed=13, correlation=corr).portfolio
    assert correlated.analytic_mean == independent.analytic_mean
    assert abs(correlated.mean - independent.mean) < 4.5 * math.hypot(correlated.mean_se, independent.mean_se)
    assert correlated.p99 > 1.1 * independent.p99


def test_invalid_correlation_is_repaired_with_a_warning():
    scenarios = [Scenario(x, LOSS, lef=Constant(1.0)) for x in "abc"]
    corr = Correlation(("a", "b", "c"), ((1.0, 0.9, -0.9), (0.9, 1.0, 0.9), (-0.9, 0.9, 1.0)))
    result = simulate_scenarios(scenarios, years=2_000, seed=1, correlation=corr)
    assert any("nearest valid" in warning for warning in result.warnings)


def test_exceedance_curve_counts_are_exact():
    scenario = ransomware()
    result = simulate_scenarios([scenario], years=30_000, seed=21)
    losses = annual_losses(scenario, 30_000, seed=21)
    stats = result.scenarios[0].stats
    for threshold, probability in stats.lec():
        assert probability == np.count_nonzero(losses > threshold) / losses.size
    assert stats.p99 == np.quantile(losses, 0.99)
    top = np.sort(losses)[-300:]
    assert stats.tail_mean_p99 == pytest.approx(top.mean(), rel=1e-12)
    assert stats.prob_loss == np.count_nonzero(losses) / losses.size


def test_sketch_quantiles_stay_within_their_stated_error(monkeypatch):
    scenario = ransomware()
    exact = simulate_scenarios([scenario], years=50_000, seed=14)
    monkeypatch.setattr(engine_module, "EXACT_QUANTILE_LIMIT", 10)
    sketched = simulate_scenarios([scenario], years=50_000, seed=14)
    assert any("sketch" in warning for warning in sketched.warnings)
    a, b = exact.scenarios[0].stats, sketched.scenarios[0].stats
    assert a.mean == b.mean and a.lec() == b.lec()
    for key in ("p90", "p95", "p99", "tail_mean_p99"):
        assert getattr(b, key) == pytest.approx(getattr(a, key), rel=0.006)


def test_appetite_points_are_exact_thresholds():
    data = {
        "appetite": [[123_456, 0.2]],
        "seed": 3,
        "years": 20_000,
        "scenarios": [
            {"id": "a", "lef": {"constant": 1.0}, "primary_loss": {"lognormal90": [20000, 900000]}}
        ],
    }
    result = simulate_file(data)
    losses = annual_losses(Scenario("a", LOSS, lef=Constant(1.0)), 20_000, seed=3)
    check = result.appetite[0]
    assert check.probability == np.count_nonzero(losses > 123_456) / losses.size
    assert check.within == (check.probability <= 0.2)


def test_results_record_their_provenance():
    data = {"seed": 5, "years": 1000, "scenarios": [{"id": "a", "lef": 1, "primary_loss": {"constant": 10}}]}
    first = simulate_file(data).to_dict()
    assert (first["seed"], first["years"], first["model"], first["engine_version"]) == (
        5,
        1000,
        "event",
        ENGINE_VERSION,
    )
    assert first == simulate_file(data).to_dict()
    assert simulate_file(data, seed=6).to_dict()["input_hash"] != first["input_hash"]
    changed = {**data, "scenarios": [{"id": "a", "lef": 2, "primary_loss": {"constant": 10}}]}
    assert simulate_file(changed).to_dict()["input_hash"] != first["input_hash"]
    unseeded = simulate_file({"scenarios": data["scenarios"], "years": 100})
    assert isinstance(unseeded.seed, int)
    assert (
        simulate_file({"scenarios": data["scenarios"], "years": 100}, seed=unseeded.seed).to_dict()
        == unseeded.to_dict()
    )
