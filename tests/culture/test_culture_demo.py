"""The demo's culture data says what docs/culture.md says it does."""

from __future__ import annotations

from accord.culture import selectors
from accord.demo.accounts import create_demo_accounts
from accord.demo.culture import build_culture
from accord.demo.organisation import build_organisation


def test_the_demo_culture(db):
    context = create_demo_accounts()
    build_organisation(context)
    assert build_culture(context) == "9 security champions, 2 awareness campaigns, 8 stakeholders"
    ciso, cio, analyst = context.users["ciso"], context.users["cio"], context.users["analyst"]
    coverage = selectors.coverage(ciso)
    assert (coverage.covered, coverage.total, coverage.percent) == (7, 9, 77.8)
    assert [t.team for t in coverage.uncovered] == ["Data & Analytics", "Network & Infrastructure"]
    spring, autumn = selectors.phishing_trend(ciso)
    assert spring.campaign.phishing_format == "gophish" and autumn.campaign.phishing_format == "plain"
    assert autumn.phishing.click_rate < spring.phishing.click_rate
    assert autumn.phishing.report_rate > spring.phishing.report_rate
    assert selectors.overdue_count(ciso) == (3, 8)
    assert {r.stakeholder.name for r in selectors.overdue_contacts(cio)} == {"Ingrid Solberg", "Keisha Walters"}
    assert [r.stakeholder.name for r in selectors.overdue_contacts(analyst)] == []
    kept = next(r for r in selectors.stakeholder_rows(analyst) if r.stakeholder.name == "Amara Diallo")
    assert kept.notes_visible
