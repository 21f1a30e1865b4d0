"""Estimates: ΔALE from the FAIR engine on common random numbers, and the money formulas."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.engine.fair import control_effects, parse_control, parse_scenario
from accord.portfolio import planning, services
from accord.portfolio.models import EffectEstimate
from accord.risks import selectors as risk_selectors

Z90 = 1.6448536269514722


def _latest(initiative):
    return EffectEstimate.objects.filter(initiative=initiative).order_by("-id").first()


def test_delta_ale_is_the_risk_engines_own_number(ciso, estimated, scenarios, ransomware_inputs):
    estimate = _latest(estimated["edr"])
    scenario = parse_scenario({"id": "ransomware-erp", "name": "Ransomware on the ERP", **ransomware_inputs})
    control = parse_control({"name": "effect-0-vulnerability", "factor": "vulnerability",
                             "effectiveness": {"pert": [0.3, 0.5, 0.7]}}, "c")
    direct = control_effects([scenario], {"ransomware-erp": [control]}, seed=11, years=2_000)["ransomware-erp"]
    assert estimate.delta_ale == pytest.approx(direct.delta_mean, rel=1e-12)
    assert estimate.delta_ale_se == pytest.approx(direct.delta_mean_se, rel=1e-12)
    saving = estimate.per_scenario["ransomware-erp"]
    # Same seed and years as the register's run: the baseline is exactly the register's ALE.
    scenarios["ransomware"].refresh_from_db()
    assert saving["ale"] == pytest.approx(scenarios["ransomware"].latest_run.mean, rel=1e-12)
    assert saving["reduction"] == pytest.approx(direct.delta_mean / direct.mean_without)
    # A vulnerability control removes about its mean effectiveness (0.5) of the loss.
    assert 0.4 < saving["reduction"] < 0.6
    assert (estimate.seed, estimate.years, estimate.model) == (11, 2_000, "event")
    assert len(estimate.input_hash) == 64 and estimate.engine_version.startswith("fair ")


def test_range_is_effectiveness_at_its_5th_and_95th_percentiles(ciso, estimated):
    edr = _latest(estimated["edr"])
    assert edr.delta_ale_low < edr.delta_ale < edr.delta_ale_high
    # PERT(0.3, 0.5, 0.7) has 5th/95th percentiles near 0.37 and 0.63: the range spans about +-27%.
    assert edr.delta_ale_low / edr.delta_ale == pytest.approx(0.37 / 0.5, abs=0.05)
    assert edr.delta_ale_high / edr.delta_ale == pytest.approx(0.63 / 0.5, abs=0.05)
    # A constant effectiveness has no spread of its own: the range is then the Monte Carlo interval.
    mfa_bec = _latest(estimated["mfa"]).per_scenario["bec"]
    assert mfa_bec["high"] - mfa_bec["low"] == pytest.approx(2 * Z90 * mfa_bec["se"], rel=1e-9)


def test_rosi_npv_and_payback_follow_the_published_formulas(ciso, estimated):
    e = _latest(estimated["edr"])  # one-off 100k, 50k a year, 3 years at 8%
    rate, n = 0.08, 3
    annualised = 50_000 + 100_000 * rate / (1 - (1 + rate) ** -n)
    assert e.annualised_cost == pytest.approx(annualised)
    assert e.rosi == pytest.approx((e.delta_ale - annualised) / annualised)
    assert e.rosi_low == pytest.approx((e.delta_ale_low - annualised) / annualised)
    assert e.rosi_high == pytest.approx((e.delta_ale_high - annualised) / annualised)
    npv = -100_000 + sum((e.delta_ale - 50_000) / (1 + rate) ** t for t in range(1, n + 1))
    assert e.npv == pytest.approx(npv)
    flow = e.delta_ale - 50_000
    expected_payback = 100_000 / flow if 0 < 100_000 / flow <= 1 else None
    if expected_payback is not None:
        assert e.payback_years == pytest.approx(expected_payback)
    assert e.payback_years_low is None or e.payback_years_low >= e.payback_years


def test_unchanged_inputs_keep_the_estimate_and_a_change_makes_it_stale(ciso, estimated, budget):
    count = EffectEstimate.objects.count()
    services.estimate_effects(actor=ciso, budget_scenario=budget, years=2_000)
    assert EffectEstimate.objects.count() == count
    edr = estimated["edr"]
    effect = edr.effects.get()
    # Scaling every loss by 0.1 on the same random numbers removes exactly 90% of the mean.
    services.update_effect(actor=ciso, effect=effect, factor="primary_loss", effectiveness={"constant": 0.9})
    assert not planning.is_current(edr, _latest(edr), risk_selectors.latest_runs(ciso))
    plan = planning.build_plan(ciso, budget)
    assert any(note.startswith("edr:") for note in plan.notes)
    assert all(it.effects == () for it in plan.instance.initiatives if it.id == "edr")
    services.estimate_effects(actor=ciso, budget_scenario=budget, years=2_000)
    assert EffectEstimate.objects.count() == count + 1
    assert _latest(edr).per_scenario["ransomware-erp"]["reduction"] == pytest.approx(0.9, abs=1e-9)
    assert AuditEvent.objects.filter(action="effectestimate.created").count() == count + 1


def test_years_out_of_range_is_refused(ciso, portfolio):
    from accord.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.estimate_effects(actor=ciso, years=10)
    assert exc.value.problems[0].field == "years"
