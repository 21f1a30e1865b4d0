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
from accord.patching import planning, selectors, services
from accord.patching.models import EmergencyStatus, PlanStatus
from accord.patching.planning import build_inputs
from accord.vulns import services as vuln_services
from accord.vulns.models import Finding


def _jobs_by_action(plan):
    return {(info["hostname"], info["action"]): job for job, info in plan.jobs.items()}


def test_findings_on_one_asset_with_the_same_fix_are_one_job(plan):
    jobs = _jobs_by_action(plan)
    assert len(plan.jobs) == 4
    openssl = plan.jobs[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]]
    assert [f["title"] for f in openssl["findings"]] == ["OpenSSL buffer overflow", "OpenSSL timing leak"]
    instance = planning.instance_of(plan)
    by_id = {j.id: j for j in instance.jobs}
    assert by_id[jobs[("erp-db-01", "Update the kernel and reboot")]].reboot
    assert not by_id[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]].reboot
    # the job's expected loss per day is its findings' shares, as its derivation shows
    derivation = openssl["derivation"]
    assert [f["id"] for f in derivation["findings"]] == [str(f["id"]) for f in openssl["findings"]]
    assert by_id[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]].risk_per_day == pytest.approx(
        sum(f["loss_per_day"] for f in derivation["findings"]))


def _hazard(p30: float) -> float:
    return 1 - (1 - p30) ** (1 / 30)


def test_expected_loss_per_day_in_money_from_epss_reach_and_the_services_loss(plan):
    jobs = _jobs_by_action(plan)
    # erp-db-01: production, internal (reach 0.05), ERP is tier 1 at 40,000 an hour: 48 hours by default
    loss = 40_000 * 48
    daily = {epss: _hazard(epss) * 0.05 for epss in (0.9, 0.2, 0.5)}
    compromised = 1 - (1 - daily[0.9]) * (1 - daily[0.2]) * (1 - daily[0.5])
    share = loss * compromised / sum(daily.values())
    openssl = plan.jobs[jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")]]
    kernel = plan.jobs[jobs[("erp-db-01", "Update the kernel and reboot")]]
    assert openssl["derivation"]["loss_if_exploited"] == pytest.approx(loss)
    assert "default, 48 h of its downtime cost" in openssl["derivation"]["loss_source"]
    assert openssl["derivation"]["loss_per_day"] == pytest.approx(share * (daily[0.9] + daily[0.2]))
    assert kernel["derivation"]["loss_per_day"] == pytest.approx(share * daily[0.5])
    # the asset's findings together never cost more a day than the asset is worth, and each job never
    # more in all than its share of the asset's loss
    assert openssl["derivation"]["asset_loss_per_day"] == pytest.approx(loss * compromised)
    assert loss * compromised < loss
    assert openssl["derivation"]["loss_cap"] == pytest.approx(loss * (daily[0.9] + daily[0.2]) / sum(daily.values()))
    job = planning.instance_of(plan).jobs[[j.id for j in planning.instance_of(plan).jobs].index(
        jobs[("erp-db-01", "Upgrade OpenSSL to 3.0.13")])]
    assert job.loss_cap == pytest.approx(openssl["derivation"]["loss_cap"])
    assert job.exposure_for(10_000) == pytest.approx(job.loss_cap)
    # www-01 is internet-exposed: reach 0.5; the Website has no downtime cost, so the default host loss
    nginx = next(info for info in plan.jobs.values() if info["hostname"] == "www-01")["derivation"]
    assert nginx["findings"][0]["reach"] == 0.5
    assert nginx["loss_if_exploited"] == pytest.approx(10_000)
    assert nginx["loss_per_day"] == pytest.approx(10_000 * _hazard(0.3) * 0.5)
    # erp-app-01 is staging: a quarter of the ERP host loss
    tomcat = next(info for info in plan.jobs.values() if info["hostname"] == "erp-app-01")["derivation"]
    assert tomcat["loss_if_exploited"] == pytest.approx(loss * 0.25) and "not production" in tomcat["loss_source"]
    assert plan.currency == "USD" and plan.result["currency"] == "USD"


def test_downtime_costs_the_service_rate_in_production_only(plan):
    assets = {a.id: a for a in planning.instance_of(plan).assets}
    assert assets["erp-db-01"].reboot_cost == pytest.approx(15 / 60 * 40000)  # server, production, ERP
    assert assets["erp-app-01"].reboot_cost == 0  # staging
    assert assets["erp-db-01"].group != assets["www-01"].group


def test_every_stored_point_is_feasible_and_scored_right(plan):
    instance = planning.instance_of(plan)
    result = plan.result
    candidates = [(None, result["plan"], result), (None, result["greedy"]["plan"], result["greedy"])]
    candidates += [(p["budget"], p["plan"], p) for p in result["frontier"]]
    for budget, stored, figures in candidates:
        assignment = {j: None if w == "deferred" else w for j, w in stored.items()}
        assert check_assignment(instance, assignment, budget) == []
        outcome = evaluate(instance, assignment)
        assert outcome.exposure == pytest.approx(figures["exposure"], abs=1e-3)
        assert outcome.disruption_cost == pytest.approx(figures["disruption_cost"], abs=1e-3)
        assert outcome.sla_breaches == figures["sla_breaches"]
    # nothing lands in a window that touches the freeze
    freeze = instance.freezes[0]
    for item in plan.items.exclude(window_key=""):
        assert not (item.window_start < freeze.end and freeze.start < item.window_end)


def test_the_frontier_is_monotone_and_shows_the_recommended_point_by_default(plan):
    priced = [p for p in plan.result["frontier"] if p["kind"] == "price"]
    priced.sort(key=lambda p: float("inf") if p["price"] is None else p["price"], reverse=True)
    for dear, cheap in itertools.pairwise(priced):  # cheaper downtime: more of it, less loss + penalties
        assert cheap["disruption_cost"] >= dear["disruption_cost"] - 1e-6
    points = plan.result["frontier"]
    assert plan.chosen_point == plan.result["recommended"]
    best = points[plan.chosen_point]
    assert best["total_cost"] == min(p["total_cost"] for p in points)
    (against,) = [p for p in points if p["kind"] == "greedy_downtime"]
    greedy = plan.result["greedy"]
    assert against["disruption_cost"] <= greedy["disruption_cost"] + 1e-6
    assert against["exposure"] <= greedy["exposure"] + 1e-6 and against["sla_breaches"] <= greedy["sla_breaches"]


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
    zero = next(i for i, p in enumerate(plan.result["frontier"]) if p["kind"] == "price" and p["price"] is None)
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
    (deferred,) = [d for d in selectors.deferred_jobs(ciso, plan) if d.item.pk == kernel.pk]
    assert deferred.reason == "this point allows no downtime and the fix needs a reboot"


def test_a_newer_proposal_supersedes_the_older_one(plan, ciso, plan_start):
    newer = services.generate_plan(actor=ciso, horizon_days=30, time_limit=1, frontier_points=1, start=plan_start)
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
    plan = services.generate_plan(actor=ciso, horizon_days=60, time_limit=2, frontier_points=1, start=plan_start)
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


def test_a_quantified_risk_values_the_assets_it_names(db, admin, org_data, ciso):
    from accord.risks import services as risk_services
    from accord.risks.selectors import scenario_shares_by_asset

    erp_db, www = org_data["assets"][0], org_data["assets"][2]

    def scenario(slug: str, per_event: float, *assets) -> None:
        risk_services.create_scenario(actor=ciso, slug=slug, name=slug, assets=assets, inputs={
            "lef": {"constant": 2}, "primary_loss": {"constant": per_event}})

    scenario("ransomware", 300_000, erp_db)
    scenario("breach", 100_000, erp_db, www)
    scenario("ddos", 200_000)
    shares = scenario_shares_by_asset(ciso)
    # the loss per event comes from the stored run's inputs, shared equally between named assets
    assert sum(s.share for s in shares[erp_db.pk]) == pytest.approx(300_000 + 100_000 / 2)
    assert sum(s.share for s in shares[www.pk]) == pytest.approx(50_000)
    assert org_data["assets"][1].pk not in shares
    from accord.patching.exposure import assumptions_in_force, loss_if_exploited

    loss = loss_if_exploited(erp_db, shares[erp_db.pk], assumptions_in_force())
    assert loss.value == pytest.approx(350_000)
    assert "risk scenario 'ransomware'" in loss.source and "/ 2 assets" in loss.source


def test_the_plan_shows_the_same_due_date_as_the_findings_list(plan, ciso, settings):
    """A due date is a day in the organisation's calendar; the plan keeps its end as a moment but
    shows the day, so nothing reads one day later than on the findings list."""
    from accord.vulns.models import Finding

    rows = {r.finding_id: r for r in selectors.sla_forecast(ciso, plan)}
    for item in plan.items.all():
        earliest = min(Finding.objects.get(pk=f["id"]).due_date for f in item.findings)
        assert item.due_day == earliest
    for finding_id, row in rows.items():
        assert row.due_date == Finding.objects.get(pk=finding_id).due_date
