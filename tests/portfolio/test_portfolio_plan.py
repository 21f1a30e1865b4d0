"""The optimiser instance built from the database; optimise, save and approve a selection."""

from __future__ import annotations

from itertools import combinations

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.engine.portfolio.residual import residual_ale, selection_mask
from accord.governance.models import Decision
from accord.portfolio import planning, services
from accord.portfolio.models import EffectEstimate, InitiativeStatus


def test_instance_comes_from_the_register_and_the_estimates(ciso, estimated, budget, scenarios):
    plan = planning.build_plan(ciso, budget)
    doc = plan.document
    for s in scenarios.values():
        s.refresh_from_db()
    assert {s["id"]: s["ale"] for s in doc["scenarios"]} == {
        "bec": scenarios["bec"].latest_run.mean, "ransomware-erp": scenarios["ransomware"].latest_run.mean}
    edr = next(i for i in doc["initiatives"] if i["id"] == "edr")
    saving = EffectEstimate.objects.filter(initiative=estimated["edr"]).get().per_scenario["ransomware-erp"]
    assert edr["effects"] == [{"scenario": "ransomware-erp", "reduction": saving["delta"] / saving["ale"]}]
    assert edr["cost"] == 100_000 and edr["annual_cost"] == 50_000 and edr["capacity"] == {"Platform": 2.0}
    assert doc["capacity"] == {"Platform": 4.0} and doc["horizon_years"] == 3 and doc["discount_rate"] == 0.08


def test_rejected_and_done_initiatives_are_not_candidates_and_block_what_requires_them(ciso, estimated, budget):
    services.update_initiative(actor=ciso, initiative=estimated["awareness"], status="rejected")
    services.update_initiative(actor=ciso, initiative=estimated["mfa"], requires=["awareness"])
    plan = planning.build_plan(ciso, budget)
    assert [i.id for i in plan.instance.initiatives] == ["edr"]
    assert any("mfa: left out" in n for n in plan.notes)
    services.update_initiative(actor=ciso, initiative=estimated["awareness"], status="done")
    ids = [i.id for i in planning.build_plan(ciso, budget).instance.initiatives]
    assert ids == ["edr", "mfa"]  # a done requirement is met


def test_best_set_is_the_brute_force_optimum_and_its_residual_is_exact(ciso, estimated, budget):
    plan = planning.build_plan(ciso, budget)
    inst = plan.instance
    for amount in (0, 150_000, 200_000, 300_000, 450_000):
        best = planning.answer(plan, amount).selection
        brute = min(
            (residual_ale(inst, selection_mask(inst, chosen))
             for k in range(len(inst.initiatives) + 1) for chosen in combinations([i.id for i in inst.initiatives], k)
             if sum(inst.horizon_costs[inst.initiative_index[c]] for c in chosen) <= amount
             and sum((inst.initiatives[inst.initiative_index[c]].capacity or {}).get("Platform", 0) for c in chosen) <= 4),
        )
        assert best.residual_ale == pytest.approx(brute, rel=1e-3)
        assert best.residual_ale == pytest.approx(residual_ale(inst, selection_mask(inst, best.selected)), rel=1e-12)


def test_capacity_limits_bind(ciso, estimated, budget):
    services.update_budget_scenario(actor=ciso, budget_scenario=budget, capacity={"Platform": 2})
    chosen = planning.answer(planning.build_plan(ciso, budget), 10_000_000).selection.selected
    assert not {"edr", "mfa"} <= set(chosen)


def test_marginal_contributions_add_up_to_less_than_the_set(ciso, estimated, budget):
    answer = planning.answer(planning.build_plan(ciso, budget), 10_000_000)
    rows = answer.rows()
    assert {r["initiative"] for r in rows} == {"edr", "mfa", "awareness"}
    assert sum(r["delta_ale_in_set"] for r in rows) < answer.selection.risk_reduction
    assert sum(r["delta_ale_alone"] for r in rows) > answer.selection.risk_reduction


def test_budget_below_mandatory_is_refused_with_the_field(ciso, estimated, budget):
    services.update_initiative(actor=ciso, initiative=estimated["edr"], mandatory=True)
    with pytest.raises(ValidationFailed) as exc:
        planning.answer(planning.build_plan(ciso, budget), 1_000)
    assert exc.value.problems[0].field == "budget"


def test_frontier_is_monotone_and_cached(ciso, estimated, budget):
    plan = planning.build_plan(ciso, budget)
    frontier = planning.frontier_document(plan)
    residuals = [p["residual_ale"] for p in frontier["points"]]
    assert residuals == sorted(residuals, reverse=True)
    assert 0 <= frontier["break_even"] < len(frontier["points"])
    assert frontier["gordon_loeb_ceiling"] == pytest.approx(plan.total_ale * 3 / 2.718281828459045)
    assert planning.frontier_document(plan) == frontier


def test_save_and_approve_moves_statuses_and_records_the_decision(ciso, make_user, estimated, budget):
    services.update_initiative(actor=ciso, initiative=estimated["mfa"], status="in_progress")
    selection = services.save_selection(actor=ciso, budget_scenario=budget, budget=10_000_000)
    assert sorted(i.slug for i in selection.initiatives.all()) == ["awareness", "edr", "mfa"]
    assert selection.frontier["points"] and selection.instance["horizon_years"] == 3
    with pytest.raises(NotAllowed):
        services.approve_selection(actor=make_user("security_analyst"), selection=selection)
    services.update_budget_scenario(actor=ciso, budget_scenario=budget, dual_approval_above=10_000_000)
    cio = make_user("cio")
    selection = services.approve_selection(actor=cio, selection=selection, note="Review in Q3.")
    assert selection.status == "approved" and selection.signoff.slots == [["cio", "ciso"]]  # one of them
    decision = selection.decision
    statuses = {i.slug: i.status for i in selection.initiatives.all()}
    assert statuses == {"awareness": "approved", "edr": "approved", "mfa": InitiativeStatus.IN_PROGRESS}
    assert decision.decided_by == cio and "Review in Q3." in decision.outcome
    assert decision.figures["residual_ale"] == selection.residual_ale
    assert decision.figures["initiatives"] == ["awareness", "edr", "mfa"]
    assert decision.signoff_id == selection.signoff_id
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"selection.created", "decision.recorded", "initiative.approved", "selection.approved"} <= actions
    with pytest.raises(ValidationFailed):
        services.approve_selection(actor=cio, selection=selection)
    assert Decision.objects.count() == 1


def test_above_the_amount_the_cio_and_the_ciso_both_approve(ciso, make_user, estimated, budget):
    services.update_budget_scenario(actor=ciso, budget_scenario=budget, dual_approval_above=0)
    selection = services.save_selection(actor=ciso, budget_scenario=budget, budget=10_000_000)
    cio = make_user("cio")
    selection = services.approve_selection(actor=cio, selection=selection)
    assert selection.status == "awaiting" and selection.decision is None
    assert {i.status for i in selection.initiatives.all()} == {"proposed"}
    with pytest.raises(ValidationFailed) as caught:  # the proposer is not the second approver
        services.approve_selection(actor=cio, selection=selection)
    assert caught.value.problems[0].field in ("role", "user")
    selection = services.approve_selection(actor=ciso, selection=selection, note="Agreed at the steering.")
    assert selection.status == "approved" and selection.decision is not None
    assert [a.role for a in selection.signoff.approvals.all()] == ["cio", "ciso"]


def test_approving_a_selection_supersedes_the_one_approved_for_the_same_year(ciso, make_user, estimated, budget):
    services.update_budget_scenario(actor=ciso, budget_scenario=budget, dual_approval_above=10_000_000)
    cio = make_user("cio")
    first = services.approve_selection(actor=cio, selection=services.save_selection(
        actor=ciso, budget_scenario=budget, budget=10_000_000))
    funded = {i.slug for i in first.initiatives.all()}
    smaller = services.save_selection(actor=ciso, budget_scenario=budget, budget=first.cost * 0.5)
    kept = {i.slug for i in smaller.initiatives.all()}
    assert kept < funded
    services.approve_selection(actor=cio, selection=smaller)
    first.refresh_from_db()
    assert first.status == "superseded"
    from accord.portfolio.models import Initiative, Selection

    assert Selection.objects.filter(status="approved").count() == 1
    dropped = Initiative.objects.filter(slug__in=funded - kept)
    assert {i.status for i in dropped} <= {"proposed", InitiativeStatus.IN_PROGRESS}
    assert AuditEvent.objects.filter(action="initiative.unfunded").exists()


def test_approving_numbers_that_changed_is_refused(ciso, estimated, budget):
    selection = services.save_selection(actor=ciso, budget_scenario=budget)
    services.update_initiative(actor=ciso, initiative=estimated["edr"], one_off_cost=1)
    with pytest.raises(ValidationFailed) as exc:
        services.approve_selection(actor=ciso, selection=selection)
    assert exc.value.problems[0].field == "selection"
    assert not Decision.objects.exists()
    assert estimated["edr"].status == "proposed"
