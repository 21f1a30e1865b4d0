"""Distributions: closed forms, inverse CDFs, parsing and warnings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from accord.engine.fair import InvalidScenario, parse_distribution
from accord.engine.fair.distributions import Lognormal90, Normal, Pert, Triangular, Uniform


def test_classic_pert_mean_is_the_textbook_formula():
    pert = Pert(10_000, 150_000, 2_000_000)
    assert pert.mean() == pytest.approx((10_000 + 4 * 150_000 + 2_000_000) / 6, rel=1e-12)
    alpha, beta = pert.shape
    assert alpha == pytest.approx(1 + 4 * 140_000 / 1_990_000)
    assert beta == pytest.approx(1 + 4 * 1_850_000 / 1_990_000)


def test_pyfair_pert_matches_its_stated_mean_and_sd():
    pert = Pert(0.5, 2.0, 10.0, variant="pyfair")
    alpha, beta = pert.shape
    span = 9.5
    sd = span * math.sqrt(alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)))
    assert pert.mean() == pytest.approx((0.5 + 4 * 2 + 10) / 6, rel=1e-12)
    assert sd == pytest.approx(span / 6, rel=1e-12)


def test_lognormal90_hits_its_percentiles_and_mean():
    dist = Lognormal90(20_000, 900_000)
    low, high = dist.ppf(np.array([0.05, 0.95]))
    assert low == pytest.approx(20_000, rel=1e-9)
    assert high == pytest.approx(900_000, rel=1e-9)
    reference = stats.lognorm(s=dist.sigma, scale=math.exp(dist.mu))
    assert dist.mean() == pytest.approx(reference.mean(), rel=1e-12)


def test_capped_lognormal_mean_matches_integration():
    dist = Lognormal90(50_000, 5_000_000, max=3_000_000)
    reference = stats.lognorm(s=dist.sigma, scale=math.exp(dist.mu))
    below, _ = integrate.quad(lambda x: x * reference.pdf(x), 0, 3_000_000, limit=400)
    expected = below + 3_000_000 * reference.sf(3_000_000)
    assert dist.mean() == pytest.approx(expected, rel=1e-7)
    assert dist.ppf(np.array([0.999]))[0] == 3_000_000


def test_clipped_normal_mean_matches_integration_and_warns():
    dist = Normal(1.0, 2.0)
    expected, _ = integrate.quad(lambda x: x * stats.norm(1, 2).pdf(x), 0, 40)
    assert dist.mean() == pytest.approx(expected, rel=1e-9)
    assert "below zero" in dist.warnings()[0]
    assert Normal(100.0, 1.0).warnings() == []


def test_lognormal_warnings():
    assert any("95th percentile" in w for w in Lognormal90(1, 100_000).warnings())
    assert not any("95th percentile" in w for w in Lognormal90(1, 5_000).warnings())
    assert any("ratio" in w for w in Lognormal90(1, 5_000).warnings())
    assert Lognormal90(20_000, 900_000).warnings() == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"pert": [3, 2, 1]}, "low <= mode <= high"),
        ({"pert": [1, 2]}, "list of 3 numbers"),
        ({"lognormal90": [5, 1]}, "0 < p5 < p95"),
        ({"normal": [1, 0]}, "standard deviation"),
        ({"pert": [1, 2, 3], "variant": "odd"}, "classic or pyfair"),
        ({"pert": [1, 2, 3], "max": 4}, "unknown option"),
        ({"pert": [1, 2, 3], "uniform": [1, 2]}, "exactly one"),
        ({"uniform": [1, "x"]}, "must be a number"),
        ("high", "must be a distribution"),
    ],
)
def test_bad_distributions_are_refused_with_their_path(value, fragment):
    with pytest.raises(InvalidScenario) as caught:
        parse_distribution(value, "scenario s, field tef")
    assert fragment in caught.value.message
    assert caught.value.path.startswith("scenario s, field tef")


def test_spelling_round_trips():
    for value in (
        {"constant": 3.0},
        {"pert": [1.0, 2.0, 5.0], "gamma": 4.0, "variant": "classic"},
        {"lognormal90": [1.0, 10.0], "max": 50.0},
        {"uniform": [1.0, 2.0]},
        {"triangular": [1.0, 2.0, 4.0]},
        {"normal": [5.0, 1.0]},
    ):
        assert parse_distribution(value, "x").spec() == value


finite = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


@st.composite
def distributions(draw):
    a, b, c = sorted(draw(st.lists(finite, min_size=3, max_size=3)))
    if c - a < 1e-3 * max(1.0, c):
        c = a + max(1.0, c)
        b = min(max(b, a), c)
    kind = draw(st.sampled_from(["pert", "pyfair", "uniform", "triangular", "lognormal90", "normal"]))
    if kind == "pert":
        return Pert(a, b, c, gamma=draw(st.floats(0.5, 8.0)))
    if kind == "pyfair":
        pert = Pert(a, (a + c) / 2 + (b - (a + c) / 2) * 0.5, c, variant="pyfair")
        return pert
    if kind == "uniform":
        return Uniform(a, c)
    if kind == "triangular":
        return Triangular(a, b, c)
    if kind == "lognormal90":
        # sample means of very heavy tails converge too slowly for a 40,000-draw check
        return Lognormal90(a + 1.0, (a + 1.0) * draw(st.floats(1.5, 200.0)))
    return Normal(b, (c - a) / 4 + 1.0)


@settings(max_examples=60, deadline=None)
@given(distributions(), st.integers(0, 2**32))
def test_samples_stay_in_support_and_average_to_the_analytic_mean(dist, seed):
    rng = np.random.default_rng(seed)
    draws = dist.sample(rng, 40_000)
    low, high = dist.support()
    assert draws.min() >= low - 1e-9 * max(1.0, abs(low))
    assert draws.max() <= high + 1e-9 * max(1.0, abs(high))
    se = draws.std() / math.sqrt(draws.size)
    assert abs(draws.mean() - dist.mean()) <= 5.5 * se + 1e-9 * max(1.0, abs(dist.mean()))


@settings(max_examples=60, deadline=None)
@given(distributions(), st.lists(st.floats(0.001, 0.999), min_size=2, max_size=20))
def test_ppf_is_monotone_and_inverts_the_cdf(dist, us):
    u = np.sort(np.array(us))
    x = dist.ppf(u)
    assert np.all(np.diff(x) >= -1e-9 * np.maximum(1.0, np.abs(x[1:])))
    back = dist.cdf(x)
    positive = x > 0  # the clipped normal has an atom at 0
    assert np.allclose(back[positive], u[positive], atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(distributions(), st.integers(0, 2**32))
def test_ppf_of_uniforms_has_the_same_mean(dist, seed):
    u = np.random.default_rng(seed).random(40_000)
    draws = dist.ppf(u)
    se = draws.std() / math.sqrt(draws.size)
    assert abs(draws.mean() - dist.mean()) <= 5.5 * se + 1e-9 * max(1.0, abs(dist.mean()))
