"""Exposure in money: EPSS to a daily hazard, reach, KEV floor and priors, findings combined on
one asset, and a job's expected loss that can never exceed its share of the asset's loss."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.engine.patching.checker import check_assignment
from accord.engine.patching.errors import InvalidInstance
from accord.engine.patching.exposure import (
    ExposureAssumptions,
    combine_on_asset,
    daily_hazard,
    finding_probability,
)
from accord.engine.patching.instance import instance_to_json, parse_instance
from accord.engine.patching.jobs import Finding, group_findings
from accord.engine.patching.model import Asset, Instance, Job, Window, evaluate

DEFAULTS = ExposureAssumptions()


@given(st.floats(min_value=0.0, max_value=0.999999))
def test_the_daily_hazard_compounds_back_to_the_30_day_probability(p30: float) -> None:
    h = daily_hazard(p30)
    assert 0.0 <= h <= p30
    assert 1 - (1 - h) ** 30 == pytest.approx(p30, abs=1e-12)


def test_daily_hazard_on_known_values() -> None:
    assert daily_hazard(0.5) == pytest.approx(1 - 0.5 ** (1 / 30))  # 2.28% a day
    assert daily_hazard(0.5) == pytest.approx(0.022840, abs=1e-6)
    assert daily_hazard(1.0) == 1.0 and daily_hazard(0.0) == 0.0
    assert daily_hazard(3e-9) == pytest.approx(1e-10, rel=1e-6)  # no cancellation for tiny scores


def test_epss_kev_floor_prior_and_reach() -> None:
    plain = finding_probability("f", epss=0.4, kev=False, exploitation="active", reach_class="internal",
                                assumptions=DEFAULTS)
    assert plain.p30 == 0.4 and plain.p30_source == "EPSS 0.4000"  # EPSS wins over the SSVC prior
    assert plain.daily_probability == pytest.approx(daily_hazard(0.4) * DEFAULTS.reach["internal"])
    floored = finding_probability("f", epss=0.01, kev=True, exploitation="active", reach_class="internet",
                                  assumptions=DEFAULTS)
    assert floored.p30 == DEFAULTS.kev_floor and floored.p30_source.startswith("KEV floor (EPSS 0.0100")
    assert floored.reach == DEFAULTS.reach["internet"]
    prior = finding_probability("f", epss=None, kev=False, exploitation="public", reach_class="isolated",
                                assumptions=DEFAULTS)
    assert prior.p30 == DEFAULTS.prior["public"] and "no EPSS" in prior.p30_source
    unknown = finding_probability("f", epss=None, kev=False, exploitation=None, reach_class="internal",
                                  assumptions=DEFAULTS)
    assert unknown.p30 == DEFAULTS.prior["none"]


def test_assumptions_refuse_what_is_not_a_probability() -> None:
    with pytest.raises(InvalidInstance) as caught:
        ExposureAssumptions(reach={"internet": 1.5, "internal": 0.3, "isolated": 0.05})
    assert caught.value.path == "reach.internet"
    with pytest.raises(InvalidInstance):
        ExposureAssumptions(prior={"none": 0.1, "public": 0.2})  # active missing


def _route(name: str, p: float):  # type: ignore[no-untyped-def]
    """A finding on an internet-exposed asset with reach 1, so its daily probability is its hazard."""
    return finding_probability(name, epss=None, kev=False, exploitation="none", reach_class="internet",
                               assumptions=ExposureAssumptions(prior={"none": p, "public": p, "active": p},
                                                               reach={"internet": 1.0, "internal": 1.0,
                                                                      "isolated": 1.0}))


def test_findings_on_one_asset_never_cost_more_than_the_asset() -> None:
    routes = [_route(str(k), 0.999) for k in range(50)]
    asset = combine_on_asset(100_000.0, routes)
    assert asset.daily_probability < 1.0
    assert asset.loss_per_day <= 100_000.0
    assert sum(f.loss_per_day for f in asset.findings) == pytest.approx(asset.loss_per_day)
    one = combine_on_asset(100_000.0, [_route("a", 0.3)])
    assert one.loss_per_day == pytest.approx(100_000.0 * daily_hazard(0.3))
    # two equal routes: each carries half of 1 - (1 - p)^2
    two = combine_on_asset(1_000.0, [_route("a", 0.3), _route("b", 0.3)])
    p = daily_hazard(0.3)
    assert [f.loss_per_day for f in two.findings] == pytest.approx([1_000.0 * (1 - (1 - p) ** 2) / 2] * 2)
    assert [f.loss_cap for f in two.findings] == pytest.approx([500.0, 500.0])  # shares of the asset's loss
    with pytest.raises(InvalidInstance):
        combine_on_asset(-1.0, routes)


def test_a_capped_job_loses_its_rate_on_day_one_and_never_more_than_its_cap() -> None:
    job = Job("j", "a", 10.0, False, risk_per_day=700.0, loss_cap=10_000.0)
    assert job.exposure_for(1.0) == pytest.approx(700.0)
    assert job.exposure_for(10.0) == pytest.approx(10_000.0 * (1 - 0.93 ** 10))
    assert job.exposure_for(10_000.0) == pytest.approx(10_000.0)
    assert job.exposure_for(0.0) == 0.0
    uncapped = Job("j", "a", 10.0, False, risk_per_day=700.0)
    assert uncapped.exposure_for(10.0) == 7_000.0


def test_grouped_findings_add_their_caps_and_the_checker_agrees_with_the_model() -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    findings = [Finding("1", "a", "fix", 10.0, False, 50.0, loss_cap=600.0),
                Finding("2", "a", "fix", 10.0, False, 30.0, loss_cap=400.0)]
    (grouped,) = group_findings(findings)
    assert grouped.job.risk_per_day == 80.0 and grouped.job.loss_cap == 1_000.0
    assert group_findings([*findings, Finding("3", "a", "fix", 1.0, False, 1.0)])[0].job.loss_cap is None
    instance = Instance(start, 60.0, (Window("w", start + timedelta(days=20.5), 60.0, ("g",)),),
                        (Asset("a", "g", 10.0, 100.0),), (grouped.job,))
    for assignment in ({grouped.job.id: "w"}, {grouped.job.id: None}):
        outcome = evaluate(instance, assignment)
        assert check_assignment(instance, assignment, None, outcome) == []
    assert evaluate(instance, {grouped.job.id: None}).exposure == pytest.approx(1_000 * (1 - 0.92 ** 60))
    again = parse_instance(instance_to_json(instance))
    assert again.jobs[0].loss_cap == 1_000.0
    assert math.isclose(evaluate(again, {grouped.job.id: "w"}).exposure,
                        evaluate(instance, {grouped.job.id: "w"}).exposure)
