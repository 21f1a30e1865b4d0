"""The demo's scorecard, built on the demo's organisation, risks, findings and reviews: thresholds agreed,
six monthly snapshots (five generated, marked so), two retrospectives of the latest quarter; its figures
equal the desk's tiles and the risk register's total."""

from __future__ import annotations

import pytest

from accord.core.audit import verify_chain
from accord.core.money import compact
from accord.demo.accounts import create_demo_accounts
from accord.demo.metrics import build_metrics, generated_value
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.demo.vulns import build_vulnerabilities
from accord.governance.models import Decision
from accord.metrics import selectors
from accord.metrics.models import Retrospective, Snapshot, ThresholdSet


def test_generated_history_moves_each_figure_back_by_its_step():
    assert generated_value("kev_past_due", 20, 5) == 40.0  # 20% more a month back, whole findings
    assert generated_value("sla_compliance", 99.0, 1) == pytest.approx(96.5)  # 2.5% lower a month back
    assert generated_value("initiatives_on_plan", 100.0, 2) == 90.0
    assert generated_value("review_sla_attainment", None, 3) is None  # no data then either
    assert generated_value("sla_compliance", 100.0, -3) == 100.0  # never above 100%


def test_the_demo_scorecard(db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_vulnerabilities, build_reviews):
        builder(context)
    summary = build_metrics(context)
    assert "6 monthly snapshots (5 generated)" in summary
    ciso = context.users["ciso"]
    snapshots = list(Snapshot.objects.order_by("month"))
    assert [s.source for s in snapshots] == ["demo"] * 5 + ["command"]
    months = [s.month.year * 12 + s.month.month for s in snapshots]
    assert months == list(range(months[0], months[0] + 6))  # six consecutive months, this one last
    assert ThresholdSet.objects.get(status="active").agreed_by == context.users["cio"]
    card = selectors.scorecard(ciso).by_key()
    assert all(m.thresholds_agreed for m in card.values() if m.key in ("kev_past_due", "sla_compliance"))
    kev = card["kev_past_due"]
    assert len(kev.trend) == 6 and kev.trend[-1][1] == kev.value
    assert [v for _, v in kev.trend] == sorted((v for _, v in kev.trend), reverse=True)  # improving
    # the same figures as the desk and the risk register
    from accord.desk.selectors import desk_for
    from accord.risks.selectors import organisation_currency, portfolio_figures

    tiles = {t.label: t.value for t in desk_for(ciso).tiles}
    assert tiles["KEV findings past due"] == f"{kev.value:,.0f}"
    assert tiles["open findings within SLA"] == card["sla_compliance"].display
    total = portfolio_figures(ciso).plain_sum
    assert card["expected_loss"].value == pytest.approx(total)
    assert tiles["expected loss a year"] == compact(total, organisation_currency())
    retrospectives = list(Retrospective.objects.all())
    assert [r.recorded_role for r in retrospectives] == ["cio", "ciso"]
    assert Decision.objects.filter(pk__in=[r.decision_id for r in retrospectives]).count() == 2
    assert sum(len(r.actions) for r in retrospectives) == 3 and all(a["follow_up"] for r in retrospectives
                                                                    for a in r.actions)
    assert verify_chain().ok
