"""Engine corrections of issue 9 point 7: each test failed on the engine before its fix.

- the rate model honours `events: bernoulli` (at most one event's loss a year);
- the tornado's bars are exact (closed form), not simulated;
- a lognormal90 cap below its own 95th percentile is refused;
- the stated rank correlation is the one the annual losses show (Iman-Conover reordering);
- one ROSI definition shared by the engines;
- each engine package owns its version string.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats

import accord.engine.fair as fair_engine
import accord.engine.portfolio as portfolio_engine
from accord.engine.fair import (
    Constant,
    Control,
    Correlation,
    InvalidScenario,
    Lognormal90,
    Pert,
    Scenario,
    parse_scenario,
    simulate_scenarios,
    tornado,
)
from accord.engine.fair.analytic import capped_mean
from accord.engine.fair.engine import portfolio_years

# ---- a. the rate model under events: bernoulli ------------------------------------------------------


def test_rate_model_loses_at_most_one_event_a_year_under_bernoulli():
    # The case: 1,000 per event, at most one event a year, a frequency that can exceed 1.
    scenario = Scenario("rare", Constant(1_000.0), lef=Pert(0.5, 1.5, 3.0), events="bernoulli")
    years = portfolio_years([scenario], years=20_000, seed=3, model="rate")["rare"]
    assert years.max() <= 1_000.0
    result = simulate_scenarios([scenario], years=20_000, seed=3, model="rate").scenarios[0].stats
    assert result.p99 <= 1_000.0
    # The rate model's year is the event model's expected year given its draws: the same mean.
    expected = 1_000.0 * capped_mean(Pert(0.5, 1.5, 3.0))
    assert result.analytic_mean == pytest.approx(expected, rel=1e-9)
    assert abs(result.mean - expected) < 4.5 * result.mean_se
    event = simulate_scenarios([scenario], years=20_000, seed=3, model="event").scenarios[0].stats
    assert event.analytic_mean == pytest.approx(result.analytic_mean, rel=1e-12)


def test_rate_model_caps_the_threat_frequency_before_the_vulnerability():
    scenario = Scenario(
        "rare", Constant(1_000.0), tef=Constant(4.0), vulnerability=Constant(0.5), events="bernoulli"
    )
    years = portfolio_years([scenario], years=1_000, seed=1, model="rate")["rare"]
    assert np.all(years == 500.0)  # P(one loss event) = min(4, 1) x 0.5


# ---- b. the tornado is exact ------------------------------------------------------------------------


def _closed_form(scenario: Scenario, **fixed: float) -> float:
    """E[annual loss] = E[TEF] E[V] (E[PL] + E[SLEF] E[SL]), restated here from the inputs' own means."""

    def mean(name: str) -> float:
        return fixed[name] if name in fixed else getattr(scenario, name).mean()

    return mean("tef") * mean("vulnerability") * (
        mean("primary_loss") + mean("secondary_loss_event_frequency") * mean("secondary_loss")
    )


@pytest.mark.parametrize("model", ["event", "rate"])
def test_tornado_bars_are_their_closed_form(model):
    scenario = Scenario(
        "ransomware",
        Pert(10_000, 150_000, 2_000_000),
        tef=Pert(0.5, 2, 10),
        vulnerability=Pert(0.05, 0.2, 0.5),
        secondary_loss_event_frequency=Constant(0.3),
        secondary_loss=Lognormal90(50_000, 5_000_000),
    )
    chart = tornado(scenario, model=model)
    assert chart.base_mean == pytest.approx(_closed_form(scenario), rel=1e-12)
    assert {bar.input for bar in chart.bars} == {"tef", "vulnerability", "primary_loss", "secondary_loss"}
    for bar in chart.bars:
        dist = getattr(scenario, bar.input)
        assert bar.low_value == pytest.approx(dist.quantile(0.10)) and bar.high_value == pytest.approx(
            dist.quantile(0.90)
        )
        assert bar.mean_at_low == pytest.approx(_closed_form(scenario, **{bar.input: bar.low_value}), rel=1e-12)
        assert bar.mean_at_high == pytest.approx(_closed_form(scenario, **{bar.input: bar.high_value}), rel=1e-12)


def test_tornado_of_a_bernoulli_scenario_caps_the_frequency():
    scenario = Scenario("rare", Constant(1_000.0), lef=Pert(0.2, 0.9, 3.0), events="bernoulli")
    (bar,) = tornado(scenario).bars
    assert bar.high_value > 1.0 and bar.mean_at_high == pytest.approx(1_000.0)  # at most one event a year


# ---- c. lognormal90 with a cap below its 95th percentile -------------------------------------------


def test_lognormal_cap_below_its_95th_percentile_is_refused_naming_the_field():
    data = {"id": "x", "lef": 1, "primary_loss": {"lognormal90": [1_000, 100_000], "max": 50_000}}
    with pytest.raises(InvalidScenario) as refused:
        parse_scenario(data)
    assert refused.value.path == "scenario x, field primary_loss.max"
    assert "95th percentile" in refused.value.message and "100,000" in refused.value.message
    at_p95 = parse_scenario({**data, "primary_loss": {"lognormal90": [1_000, 100_000], "max": 100_000}})
    assert at_p95.primary_loss.quantile(0.95) == pytest.approx(100_000)


# ---- d. the stated rank correlation is what the annual losses show ------------------------------------


def _rare(ident: str, lef: tuple[float, float, float]) -> Scenario:
    """Most years lose nothing (a tie at zero), as with most real scenarios."""
    return Scenario(ident, Lognormal90(100_000, 4_000_000), lef=Pert(*lef))


RARE = (_rare("idp", (0.01, 0.05, 0.15)), _rare("erp", (0.05, 0.2, 0.5)), _rare("wms", (0.02, 0.1, 0.3)))
STATED = ((1.0, 0.5, 0.3), (0.5, 1.0, 0.3), (0.3, 0.3, 1.0))


def test_stated_rank_correlation_is_what_the_annual_losses_show():
    correlation = Correlation(("idp", "erp", "wms"), STATED)
    found = portfolio_years(RARE, years=50_000, seed=7, correlation=correlation)
    realised = scipy_stats.spearmanr(np.column_stack([found[i] for i in correlation.ids])).statistic
    np.testing.assert_allclose(realised, np.array(STATED), atol=0.01)
    result = simulate_scenarios(RARE, years=50_000, seed=7, correlation=correlation)
    assert result.correlation is not None
    np.testing.assert_allclose(np.array(result.correlation.realised), realised, atol=1e-9)
    assert not [w for w in result.warnings if "correlation" in w]


def test_correlation_reorders_years_and_keeps_every_scenario_exactly():
    correlation = Correlation(("idp", "erp", "wms"), STATED)
    together = simulate_scenarios(RARE, years=50_000, seed=7, correlation=correlation)
    found = portfolio_years(RARE, years=50_000, seed=7, correlation=correlation)
    for scenario, entry in zip(RARE, together.scenarios, strict=True):
        alone = simulate_scenarios([scenario], years=50_000, seed=7)
        # the same figures as the scenario's own run, bit for bit, and the same years in another order
        assert entry.stats == alone.scenarios[0].stats
        own = portfolio_years([scenario], years=50_000, seed=7)[scenario.id]
        assert np.array_equal(np.sort(found[scenario.id]), np.sort(own))
    total = found["idp"] + found["erp"] + found["wms"]
    assert together.portfolio.p99 == pytest.approx(np.quantile(total, 0.99), rel=1e-12)
    assert together.portfolio.mean == pytest.approx(sum(e.stats.mean for e in together.scenarios), rel=1e-12)


def test_a_rank_correlation_the_losses_cannot_reach_is_reported():
    # 1% of years with a loss against 40%: the ties at zero cap the rank correlation well below 0.95.
    pair = (_rare("rare", (0.005, 0.01, 0.02)), _rare("often", (0.3, 0.5, 0.8)))
    correlation = Correlation(("rare", "often"), ((1.0, 0.95), (0.95, 1.0)))
    result = simulate_scenarios(pair, years=20_000, seed=2, correlation=correlation)
    assert result.correlation is not None
    reached = result.correlation.realised[0][1]
    assert reached < 0.9
    assert any("rare" in w and "often" in w and f"{reached:.2f}" in w for w in result.warnings)


# ---- e. one ROSI definition -------------------------------------------------------------------------


def test_one_rosi_definition_for_both_engines():
    from accord.engine import money
    from accord.engine.portfolio import finance

    assert finance.rosi is money.rosi and finance.annualised_cost is money.annualised_cost
    control = Control("EDR", "primary_loss", Constant(0.4), annual_cost=50_000)
    scenario = Scenario("s", Constant(1_000_000), lef=Constant(0.5), controls=(control,))
    effect = simulate_scenarios([scenario], years=10_000, seed=1).scenarios[0].controls[0]
    # A risk control has a yearly cost only: its annualised cost is that cost.
    cost = money.annualised_cost(one_off=0.0, annual=50_000, years=3, rate=0.08)
    assert cost == 50_000
    assert effect.rosi == money.rosi(effect.delta_mean, cost)
    # An initiative's one-off cost is spread over the horizon with the capital recovery factor.
    assert money.annualised_cost(one_off=300_000, annual=120_000, years=3, rate=0.0) == pytest.approx(220_000)


# ---- f. every engine package owns its version -------------------------------------------------------


def test_engine_packages_own_their_versions():
    assert fair_engine.ENGINE_VERSION == "fair 2.0"
    assert portfolio_engine.ENGINE_VERSION == "portfolio 1.0"
    scenario = Scenario("s", Constant(10.0), lef=Constant(1.0))
    assert simulate_scenarios([scenario], years=100, seed=1).engine_version == fair_engine.ENGINE_VERSION
