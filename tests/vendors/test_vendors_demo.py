"""The demo's vendor register, built on the demo organisation, risks and roadmap: nine vendors across the
four tiers imported from a CSV list, assessed, one override, links to risks and projects."""

from __future__ import annotations

from accord.core.audit import verify_chain
from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.demo.vendors import build_vendors
from accord.vendors import selectors


def test_the_demo_has_vendors_across_tiers(db):
    context = create_demo_accounts()
    build_organisation(context)
    build_risks(context)
    build_reviews(context)
    summary = build_vendors(context)
    assert summary == "9 vendors (5 assessed, 2 of 3 critical on time)"
    cio = context.users["cio"]
    rows = {r.vendor.name: r for r in selectors.register_rows(cio)}
    tiers = [r.vendor.tier for r in rows.values()]
    assert {t: tiers.count(t) for t in set(tiers)} == {"critical": 3, "high": 3, "medium": 1, "low": 2}
    states = {name: r.review_state for name, r in rows.items()}
    assert states["CardPay Processing"] == "overdue" and states["Acme Cloud Hosting"] == "due_soon"
    assert states["PayCloud GmbH"] == "on_time" and states["OfficeSupply Direct"] == "exited"
    assert rows["FreightHub"].overridden and rows["FreightHub"].matrix_tier == "medium"
    assert rows["Snowflake"].last_assessed_on is not None and not rows["Snowflake"].vendor.assessments.exists()
    detail = selectors.vendor_detail(cio, rows["FreightHub"].vendor)
    assert [p.project.name for p in detail.projects] == ["Carrier onboarding API"]
    assert any(r.tier == "vendor" for p in detail.projects for r in p.reviews)
    payroll = selectors.vendor_detail(cio, rows["PayCloud GmbH"].vendor)
    assert [link.scenario.slug for link in payroll.risk_links] == ["payroll-processor-breach"]
    assert sum(1 for f in selectors.findings_of(cio, rows["FreightHub"].vendor) if f.status == "open") == 2
    assert verify_chain().ok
