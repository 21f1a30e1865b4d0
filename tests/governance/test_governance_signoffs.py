"""Sign-offs: slots filled by holders of their roles, different people, a proposal that counts as
the proposer's approval, voiding on a change of inputs, expiry, and the append-only log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.core import clock
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Role
from accord.governance import selectors, services
from accord.governance.models import Decision, SignOffStatus
from accord.notifications.models import Notification


@pytest.fixture
def subject(org_data):
    """Any row can be the subject of a sign-off; a business service stands in here."""
    return org_data["erp"]


def _ask(actor, subject, **extra):
    defaults = {"kind": "test", "inputs": {"budget": 100}, "slots": [["cio"], ["ciso"]], "summary": "Fund it",
                "url": "/somewhere/"}
    return services.request_signoff(actor=actor, subject=subject, **{**defaults, **extra})


def test_two_slots_two_people_grant_it(subject, make_user):
    cio, ciso = make_user(Role.CIO), make_user(Role.CISO)
    signoff = _ask(cio, subject)
    assert signoff.status == SignOffStatus.OPEN
    assert {n.user_id for n in Notification.objects.filter(event="approval.requested")} == {cio.pk, ciso.pk}
    services.approve(actor=cio, signoff=signoff)
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.OPEN
    services.approve(actor=ciso, signoff=signoff, comment="agreed at the steering")
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.GRANTED and signoff.closed_at is not None
    assert [(a.role, a.user_id) for a in signoff.approvals.all()] == [("cio", cio.pk), ("ciso", ciso.pk)]
    assert AuditEvent.objects.filter(action="signoff.granted", object_id=str(signoff.pk)).exists()
    with pytest.raises(ValidationFailed) as caught:
        services.approve(actor=ciso, signoff=signoff)
    assert caught.value.problems[0].field == "status"


def test_the_proposer_counts_once_and_never_as_the_second_approver(subject, make_user):
    both = make_user(Role.CIO, Role.CISO)
    signoff = _ask(both, subject, proposer_role="ciso")
    assert [a.role for a in signoff.approvals.all()] == ["ciso"]
    with pytest.raises(ValidationFailed) as caught:
        services.approve(actor=both, signoff=signoff, role="cio")
    assert caught.value.problems[0].field == "user"
    services.approve(actor=make_user(Role.CIO), signoff=signoff)
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.GRANTED


def test_only_holders_of_a_needed_role_approve(subject, make_user):
    signoff = _ask(make_user(Role.CIO), subject, slots=[["ciso"]])
    for role in (Role.CIO, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(ValidationFailed) as caught:
            services.approve(actor=make_user(role), signoff=signoff)
        assert "needs the CISO" in caught.value.problems[0].message
    one_of = _ask(make_user(Role.ADMIN), subject, slots=[["cio", "ciso"]])
    services.approve(actor=make_user(Role.CIO), signoff=one_of)
    one_of.refresh_from_db()
    assert one_of.status == SignOffStatus.GRANTED  # one decider, either role


def test_a_rejection_closes_it_and_needs_a_reason(subject, make_user):
    signoff = _ask(make_user(Role.CIO), subject)
    ciso = make_user(Role.CISO)
    with pytest.raises(ValidationFailed) as caught:
        services.reject(actor=ciso, signoff=signoff, comment=" ")
    assert caught.value.problems[0].field == "comment"
    services.reject(actor=ciso, signoff=signoff, comment="the figures are a month old")
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.REJECTED and "a month old" in signoff.close_reason


def test_a_change_of_inputs_voids_it_visibly(subject, make_user):
    cio, ciso = make_user(Role.CIO), make_user(Role.CISO)
    signoff = _ask(cio, subject)
    services.approve(actor=cio, signoff=signoff)
    services.approve(actor=ciso, signoff=signoff)
    assert services.void_changed(actor=cio, subject=subject, inputs={"budget": 100}, reason="x") == 0
    assert services.void_changed(actor=cio, subject=subject, inputs={"budget": 120}, reason="the budget grew") == 1
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.VOIDED and signoff.close_reason == "the budget grew"
    told = Notification.objects.filter(event="approval.voided")
    assert {n.user_id for n in told} == {cio.pk, ciso.pk}


def test_expiry_by_the_tick(subject, make_user):
    cio, ciso = make_user(Role.CIO), make_user(Role.CISO)
    today = clock.today()
    signoff = _ask(cio, subject, expires_on=today + timedelta(days=3))
    services.approve(actor=cio, signoff=signoff)
    services.approve(actor=ciso, signoff=signoff)
    assert services.expire_lapsed(actor=cio, today=today + timedelta(days=3)) == 0  # the last day counts
    assert services.expire_lapsed(actor=cio, today=today + timedelta(days=4)) == 1
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.EXPIRED


def test_waiting_for_lists_what_still_needs_me(subject, make_user):
    cio, ciso = make_user(Role.CIO), make_user(Role.CISO)
    other_ciso = make_user(Role.CISO)
    from accord.governance.kinds import register

    register("test", "Test sign-off", read="org.read", act="org.write")
    signoff = _ask(cio, subject, proposer_role="cio")
    assert selectors.waiting_for(cio) == []  # the proposer's own slot is filled
    assert [s.pk for s in selectors.waiting_for(ciso)] == [signoff.pk]
    services.approve(actor=ciso, signoff=signoff)
    assert selectors.waiting_for(other_ciso) == []


def test_decisions_are_append_only_and_reversed_by_a_new_one(subject, make_user):
    steering = make_user(Role.STEERING_MEMBER)
    first = services.record_decision(actor=steering, question="Fund EDR for laptops?", outcome="Yes, in Q1",
                                     rationale="ransomware scenario above appetite", subject=subject,
                                     options=[{"label": "fund", "figures": {"cost": 120000}}, {"label": "defer"}])
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        Decision.objects.filter(pk=first.pk).update(outcome="No")
    with pytest.raises(PermissionError):
        first.delete()
    second = services.record_decision(actor=steering, question="Fund EDR for laptops?", outcome="Deferred to Q2",
                                      reverses=first)
    assert list(first.reversed_by.all()) == [second]
    with pytest.raises(ValidationFailed) as caught:
        services.record_decision(actor=steering, question="", outcome="x")
    assert caught.value.problems[0].field == "question"


def test_a_leadership_role_needs_a_second_administrator(db, make_user):
    from accord.accounts import services as accounts
    from accord.accounts.models import RoleGrant

    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    analyst = make_user(Role.SECURITY_ANALYST)
    accounts.set_roles(actor=first, user=analyst, roles=["security_analyst", "ciso"])
    analyst.forget_cached_roles()
    assert "ciso" not in analyst.role_names  # not yet
    grant = RoleGrant.objects.get()
    with pytest.raises(ValidationFailed):
        accounts.decide_role_grant(actor=first, grant=grant, approve=True)  # not the one who asked
    accounts.decide_role_grant(actor=second, grant=grant, approve=True)
    analyst.forget_cached_roles()
    assert "ciso" in analyst.role_names
    grant.refresh_from_db()
    assert grant.status == "granted" and "second administrator" in grant.how


def test_an_administrator_cannot_quietly_make_themselves_ciso(db, make_user):
    from accord.accounts import services as accounts
    from accord.accounts.models import RoleGrant

    ciso = make_user(Role.CISO)
    sole = make_user(Role.ADMIN)
    accounts.set_roles(actor=sole, user=sole, roles=["admin", "ciso"])
    sole.forget_cached_roles()
    assert "ciso" in sole.role_names  # the only administrator: granted at once...
    assert RoleGrant.objects.get().how.startswith("granted by the only administrator")
    told = Notification.objects.get(event="role.granted")
    assert told.user == ciso and "CISO" in told.title  # ...and the CISO hears about it
    # with a second administrator present, the next grant waits
    make_user(Role.ADMIN)
    fresh = accounts.create_user(actor=sole, username="newcio", password="correct-horse-battery-9",
                                 roles=["cio"])
    assert fresh.role_names == frozenset() and RoleGrant.objects.filter(status="pending").count() == 1


def test_a_kind_whose_requester_never_answers_neither_asks_nor_lets_them_approve(subject, make_user):
    from accord.governance.kinds import KINDS, register

    register("test_arms_length", "Test: asked and approved by different people", read="risk.read", act="risk.accept",
             requester_answers=False)
    try:
        cio, ciso = make_user(Role.CIO), make_user(Role.CISO)
        signoff = _ask(cio, subject, kind="test_arms_length", slots=[["cio", "ciso"]])
        assert {n.user_id for n in Notification.objects.filter(event="approval.requested")} == {ciso.pk}
        assert selectors.waiting_for(cio) == [] and selectors.waiting_for(ciso) == [signoff]
        with pytest.raises(ValidationFailed) as caught:
            services.approve(actor=cio, signoff=signoff)
        assert caught.value.problems[0].field == "user"
        services.approve(actor=ciso, signoff=signoff)
        signoff.refresh_from_db()
        assert signoff.status == SignOffStatus.GRANTED
    finally:
        KINDS.pop("test_arms_length")
