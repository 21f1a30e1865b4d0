"""The demo's acceptances, built on the demo organisation, risks and findings: one above the threshold
approved by the CIO and the CISO, one below, one stale, one expiring within 30 days, one expired and one
awaiting approval; each on the committee's agenda as it should be."""

from __future__ import annotations

from accord.acceptances import selectors
from accord.acceptances.models import AcceptanceStatus, RiskAcceptance
from accord.core.audit import verify_chain
from accord.core.clock import today
from accord.demo.acceptances import build_acceptances
from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.risks import build_risks
from accord.demo.vulns import build_vulnerabilities
from accord.risks.models import RiskScenario


def test_the_demo_acceptances(db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_vulnerabilities):
        builder(context)
    summary = build_acceptances(context)
    assert summary == "6 risk acceptances (1 stale, 1 expired, 1 reminded of their expiry, 1 awaiting approval)"
    dual = RiskAcceptance.objects.select_related("signoff").get(scenario__slug="bec-finance")
    assert dual.status == AcceptanceStatus.GRANTED and dual.dual_approval
    assert sorted(a.role for a in dual.signoff.approvals.all()) == ["cio", "ciso"]
    assert RiskScenario.objects.get(slug="bec-finance").treatment == "accept"
    granted = RiskAcceptance.objects.filter(status=AcceptanceStatus.GRANTED)
    assert granted.filter(stale_since__isnull=False).count() == 1
    assert selectors.count_expiring(today()) == 1
    assert RiskAcceptance.objects.filter(status=AcceptanceStatus.REQUESTED).count() == 1
    assert RiskAcceptance.objects.filter(status=AcceptanceStatus.EXPIRED).count() == 1
    assert sorted(i.kind for i in selectors.for_committee(today())) == ["approve", "recertify", "renew", "renew"]
    assert verify_chain().ok
