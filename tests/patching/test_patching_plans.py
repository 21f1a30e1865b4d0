"""Plans generated from the vulns app's open findings: jobs, feasibility (the engine's independent
checker), reproducibility, the trade-off points, the greedy difference and the SLA forecast."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.engine.patching.checker import check_assignment
from accord.engine.patching.model import evaluate
from accord.patching import selectors, services
from accord.patching.models import EmergencyStatus, PlanStatus
from accord.patching.planning import build_inputs, risk_per_day
from accord.vulns import services as vuln_services
from accord.vulns.models import Finding


def _jobs_by_action(plan):
    return {(info["hostname"], info["action"]): job for job, info in plan.jobs.items()}


def test_findings_on_one_asset_with_the_same_fix_are_one_job(plan):
    jobs = _jobs_by_action(plan)
    assert len(plan.jobs) == 4
    openssl = plan.jobs[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]]
    assert [f["title"] for f in openssl["findings"]] == ["OpenSSL buffer overflow", "OpenSSL timing leak"]
    instance = services.instance_of(plan)
    by_id = {j.id: j for j in instance.jobs}
    assert by_id[jobs[("erp-db-01", "Update the kernel and reboot")]].reboot
    assert not by_id[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]].reboot
    # the job's risk is the sum of its findings' weights
    rows = {f.pk: f for f in Finding.objects.all()}
    expected = sum(risk_per_day(rows[f["id"]].decision, rows[f["id"]].kev, rows[f["id"]].epss)
                   for f in openssl["findings"])
    assert by_id[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]].risk_per_day == pytest.approx(expected)


def test_risk_weight_formula():
    assert risk_per_day("track", False, None) == 1.0
    assert risk_per_day("act", True, 1.0) == pytest.approx(10 * 5 * 10)
    assert risk_per_day("attend", False, 0.5) == pytest.approx(5 * 5.5)


def test_downtime_costs_the_service_rate_in_production_only(plan):
    assets = {a.id: a for a in services.instance_of(plan).assets}
    assert assets["erp-db-01"].reboot_cost == pytest.approx(15 / 60 * 40000)  # server, production, ERP
    assert assets["erp-app-01"].reboot_cost == 0  # staging
    assert assets["erp-db-01"].group != assets["www-01"].group


def test_every_stored_point_is_feasible_and_scored_right(plan):
    instance = services.instance_of(plan)
    result = plan.result
    candidates = [(None, result["plan"], result), ("greedy", result["greedy"]["plan"], result["greedy"])]
    candidates += [(p["budget"], p["plan"], p) for p in result["frontier"]]
    for budget, stored, figures in candidates:
        assignment = {j: None if w == "deferred" else w for j, w in stored.items()}
        assert check_assignment(instance, assignment, budget if isinstance(budget, float) else None) == []
        outcome = evaluate(instance, assignment)
        assert outcome.exposure == pytest.approx(figures["exposure"], abs=1e-3)
        assert outcome.disruption_cost == pytest.approx(figures["disruption_cost"], abs=1e-3)
        assert outcome.sla_breaches == figures["sla_breaches"]
    # nothing lands in a window that touches the freeze
    freeze = instance.freezes[0]
    for item in plan.items.exclude(window_key=""):
        assert not (item.window_start < freeze.end and freeze.start < item.window_end)


def test_the_frontier_is_monotone(plan):
    points = sorted(plan.result["frontier"], key=lambda p: p["budget"])
    for before, after in itertools.pairwise(points):
        assert after["disruption_cost"] <= after["budget"] + 1e-6
        if before["sla_breaches"] == after["sla_breaches"]:
            assert after["exposure"] <= before["exposure"] + 1e-6


def test_the_same_inputs_hash_the_same_and_a_new_window_changes_it(plan, ciso, plan_start, planning_data):
    again = build_inputs(ciso, start=plan_start, horizon_days=60)
    assert again.inputs_hash() == plan.inputs_hash
    services.update_window(actor=ciso, window=planning_data["web_window"], duration_minutes=90)
    assert build_inputs(ciso, start=plan_start, horizon_days=60).inputs_hash() != plan.inputs_hash


def test_plan_options_are_validated_with_field_names(planning_data, ciso):
    with pytest.raises(ValidationFailed) as caught:
        services.generate_plan(actor=ciso, horizon_days=0, disruption_budget=-1, time_limit=0, frontier_points=99)
    assert {p.field for p in caught.value.problems} == {"horizon_days", "disruption_budget", "time_limit",
                                                        "frontier_points"}


def test_choosing_a_point_rewrites_the_schedule(plan, ciso):
    zero = min(range(len(plan.result["frontier"])), key=lambda i: plan.result["frontier"][i]["budget"])
    services.choose_point(actor=ciso, plan=plan, point=zero)
    plan.refresh_from_db()
    assert plan.chosen_point == zero
    # with no downtime budget nothing that needs a paid reboot is scheduled
    assert selectors.chosen_figures(plan)["disruption_cost"] == 0
    kernel = plan.items.get(action="Update the kernel and reboot")
    assert kernel.deferred
    with pytest.raises(ValidationFailed) as caught:
        services.choose_point(actor=ciso, plan=plan, point=99)
    assert caught.value.problems[0].field == "point"
    diff = selectors.greedy_difference(ciso, plan)
    assert any(m.item.pk == kernel.pk and m.direction == "deferred" for m in diff.moves)
    assert diff.disruption_delta == pytest.approx(-plan.result["greedy"]["disruption_cost"])


def test_a_newer_proposal_supersedes_the_older_one(plan, ciso, plan_start):
    newer = services.generate_plan(actor=ciso, horizon_days=30, time_limit=1, frontier_points=0, start=plan_start)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED and newer.status == PlanStatus.PROPOSED
    assert AuditEvent.objects.filter(action="patchplan.superseded", object_id=str(plan.pk)).exists()
    assert selectors.current_plan(ciso).pk == newer.pk


def test_calendar_lists_every_occurrence_with_its_changes(plan, ciso):
    rows = selectors.calendar(ciso, plan)
    assert sum(r.changes for r in rows) == plan.items.exclude(window_key="").count()
    assert any(r.frozen for r in rows)
    assert all(r.changes == 0 for r in rows if r.frozen)
    assert all(r.capacity is None or r.changes <= r.capacity for r in rows)


def test_sla_forecast_and_emergency_for_an_act_finding_behind_a_freeze(planning_data, ciso, plan_start):
    kernel = Finding.objects.get(rule_id="kern-1")
    vuln_services.override_decision(actor=ciso, finding=kernel, decision="act", justification="exploited nearby")
    kernel.refresh_from_db()
    services.create_freeze(actor=ciso, start=plan_start, end=plan_start + timedelta(days=10), reason="Audit week")
    plan = services.generate_plan(actor=ciso, horizon_days=60, time_limit=2, frontier_points=0, start=plan_start)
    forecast = selectors.sla_forecast(ciso, plan)
    row = next(r for r in forecast if r.finding_id == kernel.pk)
    assert row.reason == "every window before the due date falls in a freeze"
    assert row.hostname == "erp-db-01" and row.decision == "act"
    # the other findings are due months away: nothing else breaches
    assert [r.finding_id for r in forecast] == [kernel.pk]
    emergency = plan.emergencies.get()
    assert emergency.hostname == "erp-db-01" and emergency.status == EmergencyStatus.PROPOSED
    assert emergency.downtime_cost == pytest.approx(10000)
    assert "freeze" in emergency.reason
    with pytest.raises(ValidationFailed) as caught:
        services.reject_emergency(actor=ciso, emergency=emergency, justification="")
    assert caught.value.problems[0].field == "justification"
    services.approve_emergency(actor=ciso, emergency=emergency, justification="KEV-class risk on the ERP DB")
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.APPROVED and emergency.decided_by == ciso
    event = AuditEvent.objects.get(action="emergencychange.approved")
    assert event.after["justification"] == "KEV-class risk on the ERP DB"
    with pytest.raises(ValidationFailed):
        services.approve_emergency(actor=ciso, emergency=emergency)


def test_a_plan_without_findings_or_windows_is_empty_not_an_error(db, ciso):
    plan = services.generate_plan(actor=ciso, horizon_days=30, time_limit=1, frontier_points=2)
    assert plan.jobs == {} and plan.result["exposure"] == 0
    assert selectors.sla_forecast(ciso, plan) == []


def test_a_finding_on_an_asset_of_a_quantified_risk_weighs_by_its_annual_loss(db, admin, org_data, ciso):
    from accord.risks.models import RiskScenario, SimulationRun
    from accord.risks.selectors import scenario_loss_by_asset

    erp_db = org_data["assets"][0]

    def scenario(slug: str, mean: float, *assets) -> None:
        row = RiskScenario.objects.create(slug=slug, name=slug, inputs={"lef": {"constant": 1},
                                          "primary_loss": {"constant": mean}})
        row.assets.set(assets)
        run = SimulationRun.objects.create(kind="scenario", scenario=row, seed=1, years=1, model="event",
                                           currency="EUR", engine_version="t", input_hash=slug, mean=mean,
                                           p5=mean, p95=mean, result={}, spec={})
        RiskScenario.objects.filter(pk=row.pk).update(latest_run=run)

    scenario("ransomware", 300_000, erp_db)
    scenario("breach", 100_000, erp_db)
    scenario("ddos", 200_000)
    loss = scenario_loss_by_asset(ciso)
    assert loss.typical == 200_000  # the median of the three
    assert loss.uplift(erp_db.pk) == pytest.approx(1 + 400_000 / 200_000)
    assert loss.uplift(org_data["assets"][2].pk) == 1.0
    assert risk_per_day("act", True, 0.5, loss.uplift(erp_db.pk)) == pytest.approx(10 * 5 * 5.5 * 3)
