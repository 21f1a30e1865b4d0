"""The demo's posture: two assessments of every CSF 2.0 subcategory, a current and a target profile
against the synthetic benchmark, gaps linked to the demo's initiatives."""

from __future__ import annotations

from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.portfolio import build_portfolio
from accord.demo.posture import build_posture
from accord.demo.risks import build_risks
from accord.posture import selectors


def test_the_demo_profile(db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_portfolio):
        builder(context)
    summary = build_posture(context)
    assert summary.startswith("posture: 2 CSF 2.0 assessments")
    board = context.users["board"]
    profile = selectors.headline(board)
    assert profile is not None and profile.assessment.title.startswith("CSF 2.0 profile")
    overall = profile.rolled.overall
    assert (overall.scored, overall.total) == (106, 106)
    assert overall.gap_to_target > 0 and profile.benchmark.synthetic
    assert "PR.AA" in profile.initiatives  # the demo's MFA initiatives advance PR.AA-03
    side = selectors.comparison(board, list(selectors.assessments(board)))
    first, last = side.overall
    assert last > first  # the year shows progress
