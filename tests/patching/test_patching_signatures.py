"""Sign-off through governance: the CIO and the CISO, two different people; every signature audited;
any change to the plan after signing voids the sign-off (audited, visible) and an agreed plan goes
back to proposed; emergency changes are decided through governance too, one by one or by group."""

from __future__ import annotations

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Role
from accord.governance.models import Approval, SignOff
from accord.patching import selectors, services
from accord.patching.models import PlanStatus


def _agree(plan, cio, ciso):
    services.sign_plan(actor=cio, plan=plan)
    services.sign_plan(actor=ciso, plan=plan)
    plan.refresh_from_db()
    return plan


def test_cio_and_ciso_signatures_agree_the_plan(plan, cio, ciso):
    signoff = SignOff.objects.get(kind="patch_plan", subject_id=str(plan.pk))
    assert signoff.status == "open" and signoff.slots == [["cio"], ["ciso"]]
    assert "expected loss USD" in signoff.summary and signoff.subject_url == f"/patching/plans/{plan.pk}/"
    first = services.sign_plan(actor=cio, plan=plan)
    plan.refresh_from_db()
    assert [a.role for a in first.approvals.all()] == ["cio"] and plan.status == PlanStatus.PROPOSED
    with pytest.raises(ValidationFailed) as caught:
        services.sign_plan(actor=cio, plan=plan)
    assert caught.value.problems[0].field in ("role", "user")
    services.sign_plan(actor=ciso, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    signed = AuditEvent.objects.filter(action="signoff.approved").order_by("seq")
    assert [(e.actor_name, e.after["role"]) for e in signed] == [("cio", "cio"), ("ciso", "ciso")]
    assert AuditEvent.objects.filter(action="signoff.granted", object_id=str(signoff.pk)).exists()
    assert AuditEvent.objects.filter(action="patchplan.agreed", object_id=str(plan.pk)).exists()
    with pytest.raises(PermissionError):
        Approval.objects.filter(signoff=signoff).delete()  # approvals are append-only


def test_one_person_holding_both_roles_cannot_sign_twice(plan, make_user):
    both = make_user(Role.CIO, Role.CISO)
    with pytest.raises(ValidationFailed) as caught:
        services.sign_plan(actor=both, plan=plan)
    assert caught.value.problems[0].field == "role" and "say which one" in caught.value.problems[0].message
    services.sign_plan(actor=both, plan=plan, role="cio")
    with pytest.raises(ValidationFailed) as caught:
        services.sign_plan(actor=both, plan=plan, role="ciso")
    assert caught.value.problems[0].field == "user"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


def test_only_cio_and_ciso_sign(plan, cio, make_user):
    for role in (Role.IT_OPERATIONS, Role.SECURITY_ANALYST, Role.STEERING_MEMBER, Role.AUDITOR):
        with pytest.raises(NotAllowed):
            services.sign_plan(actor=make_user(role), plan=plan)
    with pytest.raises(ValidationFailed) as caught:
        services.sign_plan(actor=cio, plan=plan, role="ciso")
    assert "do not hold" in str(caught.value)


def test_a_change_after_signing_voids_the_signatures(plan, cio, ciso):
    plan = _agree(plan, cio, ciso)
    other = next(i for i in range(len(plan.result["frontier"])) if i != plan.chosen_point)
    services.choose_point(actor=ciso, plan=plan, point=other)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    signatures = selectors.signatures_of(cio, plan)
    assert [s.voided_at is not None for s in signatures] == [True, True]
    assert all("changed after signing" in s.void_reason for s in signatures)
    voided = AuditEvent.objects.filter(action="signoff.voided")
    assert voided.count() == 1 and "changed after signing" in voided.first().after["reason"]
    # a new sign-off stands open for the plan as it now is
    assert SignOff.objects.filter(kind="patch_plan", subject_id=str(plan.pk), status="open").count() == 1
    assert AuditEvent.objects.filter(action="patchplan.proposed", object_id=str(plan.pk)).exists()
    # signing again, on the new point, agrees it again
    plan = _agree(plan, cio, ciso)
    assert plan.status == PlanStatus.AGREED
    assert {s.chosen_point for s in selectors.signatures_of(cio, plan) if s.voided_at is None} == {other}


def test_choosing_the_point_already_shown_changes_nothing(plan, cio, ciso):
    plan = _agree(plan, cio, ciso)
    services.choose_point(actor=ciso, plan=plan, point=plan.chosen_point)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert not AuditEvent.objects.filter(action="signoff.voided").exists()


def test_a_new_agreement_supersedes_the_old_and_closed_plans_refuse_changes(plan, cio, ciso, plan_start):
    plan = _agree(plan, cio, ciso)
    newer = services.generate_plan(actor=ciso, horizon_days=30, time_limit=1, frontier_points=1, start=plan_start)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED  # a proposal does not replace the agreed plan
    newer = _agree(newer, cio, ciso)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    for change in (lambda: services.sign_plan(actor=cio, plan=plan),
                   lambda: services.choose_point(actor=ciso, plan=plan, point=0),
                   lambda: services.void_plan(actor=ciso, plan=plan, reason="x")):
        with pytest.raises(ValidationFailed) as caught:
            change()
        assert caught.value.problems[0].field == "status"


def test_voiding_withdraws_the_plan_and_its_signatures(plan, cio, ciso):
    services.sign_plan(actor=cio, plan=plan)
    with pytest.raises(ValidationFailed):
        services.void_plan(actor=ciso, plan=plan, reason="  ")
    services.void_plan(actor=ciso, plan=plan, reason="windows changed")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VOID and plan.status_reason == "windows changed"
    (signature,) = selectors.signatures_of(cio, plan)
    assert signature.voided_at is not None and "windows changed" in signature.void_reason


@pytest.fixture
def plan_with_emergencies(planning_data, ciso, cio, plan_start):
    """Two KEV-class findings on erp-db-01 that no window can serve before their due date: every
    window before it falls in an audit-week freeze."""
    from datetime import timedelta

    from accord.vulns import services as vuln_services
    from accord.vulns.models import Finding

    for rule in ("kern-1", "ossl-1"):
        vuln_services.override_decision(actor=ciso, finding=Finding.objects.get(rule_id=rule), decision="act",
                                        justification="exploited at a peer")
    services.create_freeze(actor=ciso, start=plan_start, end=plan_start + timedelta(days=10), reason="Audit week")
    return services.generate_plan(actor=ciso, horizon_days=60, time_limit=2, frontier_points=1, start=plan_start)


def test_a_plan_with_undecided_emergency_changes_cannot_be_signed(plan_with_emergencies, cio, ciso):
    plan = plan_with_emergencies
    assert plan.emergencies.count() == 2
    with pytest.raises(ValidationFailed) as caught:
        services.sign_plan(actor=cio, plan=plan)
    problem = caught.value.problems[0]
    assert problem.field == "emergencies"
    assert "2 emergency changes of plan" in problem.message and "erp-db-01" in problem.message
    assert f"/patching/plans/{plan.pk}/#emergencies" in problem.message
    assert selectors.signatures_of(cio, plan) == []
    # the CIO and the CISO heard once about the two changes, not once per change
    from accord.notifications.models import Notification

    told = Notification.objects.filter(event="emergency.proposed")
    assert sorted(n.user.username for n in told) == ["cio", "ciso"]
    assert told.first().title == f"2 emergency changes proposed in patch plan #{plan.pk}"


def test_emergency_changes_are_decided_by_group_with_one_reason(plan_with_emergencies, cio, ciso, make_user):
    plan = plan_with_emergencies
    with pytest.raises(ValidationFailed) as caught:
        services.decide_emergency_group(actor=cio, plan=plan, by="asset", key="erp-db-01", approve=False)
    assert caught.value.problems[0].field == "justification"
    with pytest.raises(ValidationFailed) as caught:
        services.decide_emergency_group(actor=cio, plan=plan, by="colour", key="x", approve=True)
    assert caught.value.problems[0].field == "by"
    with pytest.raises(ValidationFailed) as caught:
        services.decide_emergency_group(actor=cio, plan=plan, by="asset", key="www-01", approve=True)
    assert caught.value.problems[0].field == "key"
    with pytest.raises(NotAllowed):
        services.decide_emergency_group(actor=make_user(Role.IT_OPERATIONS), plan=plan, by="asset",
                                        key="erp-db-01", approve=True)
    decided = services.decide_emergency_group(actor=cio, plan=plan, by="service", key="ERP", approve=True,
                                              justification="ERP DB must not wait for the freeze")
    assert decided == 2
    assert set(plan.emergencies.values_list("status", flat=True)) == {"approved"}
    events = AuditEvent.objects.filter(action="emergencychange.approved")
    assert events.count() == 2 and {e.after["group"] for e in events} == {"service: ERP"}
    signoffs = SignOff.objects.filter(kind="emergency_change")
    assert {s.status for s in signoffs} == {"granted"}
    assert {a.comment for s in signoffs for a in s.approvals.all()} == {"ERP DB must not wait for the freeze"}
    # now the plan can be signed
    assert _agree(plan, cio, ciso).status == PlanStatus.AGREED
