"""The demo's leadership data: eight weeks of the CISO's time log shared with the CIO, a skills matrix of
four people with two mentoring pairs, and a radar with agreed stances and one proposal waiting."""

from __future__ import annotations

from accord.core.audit import verify_chain
from accord.demo.accounts import create_demo_accounts
from accord.demo.leadership import build_leadership
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.leadership import selectors
from accord.leadership.models import Mentorship, RadarEntry, SkillPlan, TimeEntry


def test_the_demo_has_a_time_log_a_skills_matrix_and_a_radar(db):
    context = create_demo_accounts()
    build_organisation(context)
    build_reviews(context)
    summary = build_leadership(context)
    assert "8 weeks" in summary and "2 mentoring pairs" in summary
    ciso, cio = context.users["ciso"], context.users["cio"]
    report = selectors.time_report(cio, ciso.pk)  # shared with the CIO
    assert len([w for w in report.weeks if w.total > 0]) == 8
    assert report.strategic_share is not None and 25 <= report.strategic_share < 40  # amber: a story to tell
    assert report.candidates[0].activity == "Incident triage and escalations"
    assert TimeEntry.objects.values("owner").distinct().count() == 1
    assert SkillPlan.objects.count() == 4 and Mentorship.objects.count() == 2
    assert Mentorship.objects.filter(mentor__isnull=True).count() == 1  # one outside mentor
    assert selectors.team_gaps(cio)[0].total_gap > 0
    goals = selectors.team_goals_on_track()
    assert goals.percent is not None and goals.overdue >= 1
    entries = list(RadarEntry.objects.all())
    assert len(entries) == 7
    assert sum(1 for e in entries if e.stance) == 5 and sum(1 for e in entries if e.proposed_stance) == 1
    lake = RadarEntry.objects.get(name="Cloud data lake")
    assert lake.project is not None and lake.review is not None
    assert verify_chain().ok
