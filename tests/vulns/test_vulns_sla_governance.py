"""The remediation policy goes through governance: the CISO proposes, the CIO is asked and confirms;
the proposer can never confirm; a newer proposal withdraws the older one's sign-off."""

from __future__ import annotations

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import Role
from accord.governance.models import SignOffStatus
from accord.governance.selectors import may_answer, waiting_for
from accord.notifications.models import Notification
from accord.vulns import services
from accord.vulns.models import PolicyStatus

DAYS = {"act_days": 5, "attend_days": 20, "track_star_days": 60, "track_days": 120}


@pytest.fixture
def cio(make_user):
    return make_user(Role.CIO, username="cio")


def test_ciso_proposes_cio_confirms(ciso, cio, client):
    policy = services.propose_sla_policy(actor=ciso, reason="Faster on what matters", **DAYS)
    signoff = policy.signoff
    assert signoff.kind == "sla_policy" and signoff.status == SignOffStatus.OPEN
    assert [s.pk for s in waiting_for(cio)] == [signoff.pk] and waiting_for(ciso) == []
    assert Notification.objects.filter(user=cio, event="approval.requested").exists()
    assert not may_answer(ciso, signoff) and may_answer(cio, signoff)
    with pytest.raises(ValidationFailed):
        services.confirm_sla_policy(actor=ciso, policy=policy)
    confirmed = services.confirm_sla_policy(actor=cio, policy=policy)
    signoff.refresh_from_db()
    assert confirmed.status == PolicyStatus.ACTIVE and signoff.status == SignOffStatus.GRANTED
    assert confirmed.confirmed_by == cio


def test_a_newer_proposal_withdraws_the_older_sign_off(ciso, cio):
    first = services.propose_sla_policy(actor=ciso, **DAYS)
    second = services.propose_sla_policy(actor=cio, **{**DAYS, "act_days": 3})
    first.refresh_from_db()
    first.signoff.refresh_from_db()
    assert first.status == PolicyStatus.WITHDRAWN and first.signoff.status == SignOffStatus.WITHDRAWN
    assert second.signoff.slots == [["cio"], ["ciso"]]
    assert [s.pk for s in waiting_for(ciso)] == [second.signoff.pk]


def test_only_leaders_propose(make_user):
    analyst = make_user(Role.SECURITY_ANALYST, username="analyst")
    with pytest.raises(NotAllowed):
        services.propose_sla_policy(actor=analyst, **DAYS)


def test_the_policy_page_offers_confirm_to_the_other_leader_only(ciso, cio, client):
    policy = services.propose_sla_policy(actor=ciso, **DAYS)
    client.force_login(ciso)
    own = client.get("/vulns/sla/policy/").content.decode()
    assert 'value="confirm"' not in own and f"/approvals/{policy.signoff_id}/" in own
    client.force_login(cio)
    other = client.get("/vulns/sla/policy/").content.decode()
    assert 'value="confirm"' in other
    assert client.post("/vulns/sla/policy/", {"policy": policy.pk, "action": "confirm"}).status_code == 302
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.ACTIVE
