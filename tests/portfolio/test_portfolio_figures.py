"""The portfolio states the risk register's own figures (issue 9 point 6), and every stored result records
its engine version, seed and input hash (point 7f)."""

from __future__ import annotations

import pytest
from django.test import Client

import accord.engine.fair as fair_engine
import accord.engine.portfolio as portfolio_engine
from accord.core.templatetags.money import money
from accord.portfolio import planning, services
from accord.portfolio.models import EffectEstimate
from accord.risks import services as risk_services
from accord.risks.models import RiskScenario


def _run(slug):
    return RiskScenario.objects.select_related("latest_run").get(slug=slug).latest_run


def test_estimates_state_each_scenarios_figures_from_its_stored_run(ciso, portfolio, budget):
    # The register's runs have 2,000 years; the estimate simulates 1,000 (its own baseline differs).
    estimates = services.estimate_effects(actor=ciso, budget_scenario=budget, years=1_000)
    for estimate in estimates:
        for slug, saving in estimate.per_scenario.items():
            run = _run(slug)
            assert saving["ale"] == run.mean and saving.get("run") == run.pk
            assert saving["delta"] == pytest.approx(saving["reduction"] * run.mean, rel=1e-12)
            assert saving["low"] <= saving["delta"] <= saving["high"]
        assert estimate.delta_ale == pytest.approx(sum(s["delta"] for s in estimate.per_scenario.values()))
    # what the optimiser takes away alone is what the initiative page states
    plan = planning.build_plan(ciso, budget)
    edr = next(e for e in estimates if e.initiative.slug == "edr")
    assert plan.instance.total_ale == pytest.approx(sum(_run(s).mean for s in ("ransomware-erp", "bec")))
    from accord.engine.portfolio.residual import standalone_reduction

    assert standalone_reduction(plan.instance, "edr") == pytest.approx(edr.delta_ale, rel=1e-9)


def test_initiative_page_shows_the_scenarios_register_figures(ciso, estimated):
    client = Client()
    client.force_login(ciso)
    page = client.get(f"/portfolio/initiatives/{estimated['mfa'].pk}/").content.decode()
    for slug in ("ransomware-erp", "bec"):
        run = _run(slug)
        assert f"{money(run.mean)} ({money(run.p5)} \u2013 {money(run.p95)})" in page


def test_an_estimate_on_runs_that_changed_is_no_longer_current(ciso, estimated, budget):
    assert not planning.build_plan(ciso, budget).notes
    # Same inputs and seed, more years: every scenario's stored figures change, so must the estimates.
    risk_services.update_settings(actor=ciso, default_years=3_000)
    notes = planning.build_plan(ciso, budget).notes
    assert any(note.startswith("edr: no current effect estimate") for note in notes)


def test_stored_results_record_engine_version_seed_and_input_hash(ciso, estimated, budget, api_as):
    selection = services.save_selection(actor=ciso, budget_scenario=budget)
    plan = planning.build_plan(ciso, budget)
    assert (selection.engine_version, selection.seed) == (portfolio_engine.ENGINE_VERSION, 11)
    assert selection.instance_hash == plan.hash  # a selection's input is its instance
    estimate = EffectEstimate.objects.filter(initiative=estimated["edr"]).first()
    assert estimate is not None
    assert estimate.engine_version == f"{fair_engine.ENGINE_VERSION}, {portfolio_engine.ENGINE_VERSION}"
    assert estimate.seed == 11 and len(estimate.input_hash) == 64
    assert _run("bec").engine_version == fair_engine.ENGINE_VERSION
    shown = api_as(ciso).get(f"/portfolio/selections/{selection.pk}").json()
    assert (shown["engine_version"], shown["seed"], shown["instance_hash"]) == (
        portfolio_engine.ENGINE_VERSION, 11, plan.hash)
