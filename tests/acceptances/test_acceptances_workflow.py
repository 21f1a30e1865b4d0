"""Asking, approving (one leader below the threshold, the CIO and the CISO at or above it, never the
requester), rejecting, withdrawing, revoking and renewing acceptances; the threshold as a leader's
audited setting; refused input that changes nothing."""

from __future__ import annotations

import pytest

from accord.acceptances import selectors, services
from accord.acceptances.models import AcceptanceSettings, AcceptanceStatus, RiskAcceptance
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.governance.models import Decision, SignOff, SignOffStatus
from accord.risks.models import RiskScenario


def _ask(world, actor, in_days, **subject):
    return services.request_acceptance(actor=actor, expires_on=in_days(90), justification="Budgeted residual loss.",
                                       compensating_controls="Monitoring.", **subject)


def _fields(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.field for p in exc.value.problems]


def test_below_the_threshold_one_leader_grants_it(world, in_days):
    row = _ask(world, world.cfo, in_days, subject_kind="scenario", scenario="lost-laptop")
    assert row.frozen["annual_loss"] < AcceptanceSettings.current().dual_approval_threshold
    assert not row.dual_approval and row.signoff.slots == [["cio", "ciso"]]
    assert row.frozen["annual_loss"] == pytest.approx(world.small.latest_run.mean)  # the register's figure
    services.approve_acceptance(actor=world.cio, acceptance=row, comment="fine")
    row.refresh_from_db()
    assert row.status == AcceptanceStatus.GRANTED and row.signoff.status == SignOffStatus.GRANTED
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "accept"
    decision = Decision.objects.get(subject_type="acceptances.riskacceptance", subject_id=str(row.pk))
    assert decision.signoff_id == row.signoff_id and "residual annual expected loss" in decision.figures
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"acceptance.requested", "acceptance.granted", "riskscenario.treatment_by_acceptance"} <= actions


def test_the_requester_never_approves(world, in_days):
    from accord.notifications.models import Event, Notification

    row = _ask(world, world.ciso, in_days, subject_kind="scenario", scenario="lost-laptop")
    asked = Notification.objects.filter(event=Event.APPROVAL_REQUESTED).values_list("user__username", flat=True)
    assert list(asked) == ["cio"]  # not the CISO who asked
    with pytest.raises(ValidationFailed) as refused:
        services.approve_acceptance(actor=world.ciso, acceptance=row)
    assert _fields(refused) == ["user"]
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.REQUESTED
    services.approve_acceptance(actor=world.cio, acceptance=row)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.GRANTED


def test_at_or_above_the_threshold_both_the_cio_and_the_ciso_approve(world, in_days):
    row = _ask(world, world.cfo, in_days, subject_kind="scenario", scenario="bec")
    assert row.frozen["annual_loss"] >= 100_000 and row.dual_approval
    assert row.signoff.slots == [["ciso"], ["cio"]] and row.signoff.distinct_people
    services.approve_acceptance(actor=world.ciso, acceptance=row)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.REQUESTED  # one of two
    assert RiskScenario.objects.get(pk=world.large.pk).treatment == "mitigate"
    with pytest.raises(ValidationFailed):
        services.approve_acceptance(actor=world.ciso, acceptance=row)  # the same person twice
    services.approve_acceptance(actor=world.cio, acceptance=row)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.GRANTED
    assert sorted(a.role for a in row.signoff.approvals.all()) == ["cio", "ciso"]


def test_a_leader_asking_above_the_threshold_needs_another_holder_of_their_role(world, in_days, make_user):
    row = _ask(world, world.ciso, in_days, subject_kind="scenario", scenario="bec")
    with pytest.raises(ValidationFailed):
        services.approve_acceptance(actor=world.ciso, acceptance=row)
    services.approve_acceptance(actor=world.cio, acceptance=row)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.REQUESTED
    deputy = make_user("ciso", username="deputy-ciso")
    services.approve_acceptance(actor=deputy, acceptance=row)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.GRANTED


def test_the_threshold_is_a_leaders_audited_setting(world, in_days):
    with pytest.raises(NotAllowed):
        services.set_threshold(actor=world.cfo, amount=1.0)
    with pytest.raises(ValidationFailed) as refused:
        services.set_threshold(actor=world.cio, amount=-5)
    assert _fields(refused) == ["dual_approval_threshold"]
    services.set_threshold(actor=world.cio, amount=1.0)
    event = AuditEvent.objects.filter(action="acceptance_settings.updated").get()
    assert event.actor_name == "cio" and event.after["dual_approval_threshold"] == 1.0
    assert str(selectors.threshold()) == "EUR 1.00"
    row = _ask(world, world.cfo, in_days, subject_kind="scenario", scenario="lost-laptop")
    assert row.dual_approval and row.threshold == 1.0


def test_refused_requests_name_the_field_and_write_nothing(world, in_days):
    before = (RiskAcceptance.objects.count(), SignOff.objects.count(), AuditEvent.objects.count())
    cases = [
        ({"subject_kind": "scenario", "scenario": "lost-laptop", "justification": " "}, "justification"),
        ({"subject_kind": "scenario", "scenario": "lost-laptop", "expires_on": in_days(0)}, "expires_on"),
        ({"subject_kind": "scenario", "scenario": "lost-laptop", "expires_on": in_days(400)}, "expires_on"),
        ({"subject_kind": "scenario", "scenario": "nope"}, "scenario"),
        ({"subject_kind": "scenario"}, "scenario"),
        ({"subject_kind": "cve", "cve": "not-a-cve"}, "cve"),
        ({"subject_kind": "cve", "cve": "CVE-2020-0001"}, "cve"),
        ({"subject_kind": "fix", "fix": "0" * 16}, "fix"),
        ({"subject_kind": "finding", "finding": 999_999}, "finding"),
        ({"subject_kind": "planet"}, "subject_kind"),
    ]
    for fields, field in cases:
        arguments = {"expires_on": in_days(30), "justification": "why", **fields}
        with pytest.raises(ValidationFailed) as refused:
            services.request_acceptance(actor=world.cfo, **arguments)
        assert _fields(refused) == [field], fields
    assert (RiskAcceptance.objects.count(), SignOff.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(NotAllowed):
        _ask(world, world.analyst, in_days, subject_kind="scenario", scenario="lost-laptop")


def test_one_standing_acceptance_per_subject(world, in_days):
    _ask(world, world.cfo, in_days, subject_kind="cve", cve="cve-2024-6387")
    with pytest.raises(ValidationFailed) as refused:
        _ask(world, world.cio, in_days, subject_kind="cve", cve="CVE-2024-6387")
    assert _fields(refused) == ["subject_kind"] and "already has acceptance" in str(refused.value)


def test_a_fixed_finding_is_not_accepted(world, in_days):
    from accord.vulns import services as vulns

    vulns.import_scan(actor=world.analyst, file=world.scan(*world.rows[:2]), filename="scan.csv", scope="dc1")
    fixed = world.findings["2002@erp-db-01"]
    with pytest.raises(ValidationFailed) as refused:
        _ask(world, world.cfo, in_days, subject_kind="finding", finding=fixed.pk)
    assert _fields(refused) == ["finding"] and "not open" in str(refused.value)


def test_reject_withdraw_and_revoke(world, in_days):
    first = _ask(world, world.cfo, in_days, subject_kind="scenario", scenario="lost-laptop")
    with pytest.raises(ValidationFailed) as refused:
        services.reject_acceptance(actor=world.ciso, acceptance=first, comment="")
    assert _fields(refused) == ["comment"]
    services.reject_acceptance(actor=world.ciso, acceptance=first, comment="Encrypt the laptops first.")
    assert RiskAcceptance.objects.get(pk=first.pk).status == AcceptanceStatus.REJECTED
    second = _ask(world, world.cfo, in_days, subject_kind="scenario", scenario="lost-laptop")
    services.withdraw_acceptance(actor=world.cfo, acceptance=second, reason="asked too early")
    assert RiskAcceptance.objects.get(pk=second.pk).status == AcceptanceStatus.WITHDRAWN
    assert SignOff.objects.get(pk=second.signoff_id).status == SignOffStatus.WITHDRAWN
    third = _ask(world, world.cfo, in_days, subject_kind="scenario", scenario="lost-laptop")
    services.approve_acceptance(actor=world.cio, acceptance=third)
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "accept"
    with pytest.raises(ValidationFailed) as refused:
        services.revoke_acceptance(actor=world.ciso, acceptance=third, reason="")
    assert _fields(refused) == ["reason"]
    services.revoke_acceptance(actor=world.ciso, acceptance=third, reason="The laptops hold more data now.")
    third.refresh_from_db()
    assert third.status == AcceptanceStatus.REVOKED and third.ended_by_id == world.ciso.pk
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "mitigate"  # the treatment before


def test_someone_else_cannot_end_a_request(world, in_days, make_user):
    row = _ask(world, world.cio, in_days, subject_kind="scenario", scenario="lost-laptop")
    other_member = make_user("steering_member", username="coo")
    with pytest.raises(NotAllowed):
        services.withdraw_acceptance(actor=other_member, acceptance=row)
    services.withdraw_acceptance(actor=world.ciso, acceptance=row)  # a leader may


def test_a_renewal_replaces_the_acceptance_once_granted(world, in_days):
    row = _ask(world, world.cfo, in_days, subject_kind="cve", cve="CVE-2024-6387")
    services.approve_acceptance(actor=world.ciso, acceptance=row)
    if RiskAcceptance.objects.get(pk=row.pk).status != AcceptanceStatus.GRANTED:
        services.approve_acceptance(actor=world.cio, acceptance=row)
    renewal = services.renew_acceptance(actor=world.cfo, acceptance=row, expires_on=in_days(200))
    assert renewal.renews_id == row.pk and renewal.status == AcceptanceStatus.REQUESTED
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.GRANTED  # in force meanwhile
    with pytest.raises(ValidationFailed):
        services.renew_acceptance(actor=world.cfo, acceptance=row, expires_on=in_days(200))
    for leader in (world.ciso, world.cio):
        if RiskAcceptance.objects.get(pk=renewal.pk).status == AcceptanceStatus.REQUESTED:
            services.approve_acceptance(actor=leader, acceptance=renewal)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.RENEWED
    from accord.vulns.models import Finding

    until = set(Finding.objects.filter(pk__in=row.finding_ids).values_list("accepted_until", flat=True))
    assert until == {in_days(200)}


def test_expiry_date_must_be_a_date(world):
    with pytest.raises(ValidationFailed) as refused:
        services.request_acceptance(actor=world.cfo, subject_kind="scenario", scenario="bec",
                                    expires_on="2027-01-01", justification="why")
    assert _fields(refused) == ["expires_on"]
