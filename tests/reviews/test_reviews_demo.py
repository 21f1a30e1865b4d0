"""The demo's reviews, built on the demo organisation alone: every state, an escalation of each kind,
open conditions (one late), gate runs that pass and fail, and a pending SLA change."""

from __future__ import annotations

from accord.core.audit import verify_chain
from accord.core.clock import today
from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.reviews import selectors
from accord.reviews.models import ConditionStatus, GateRun, ItProject, Review, ReviewState


def test_the_demo_has_reviews_in_every_state(db):
    context = create_demo_accounts()
    build_organisation(context)
    summary = build_reviews(context)
    assert "9 IT projects" in summary
    assert ItProject.objects.count() == 9
    assert set(Review.objects.values_list("state", flat=True)) == set(ReviewState.values)
    steering = context.users["steering"]
    kinds = sorted(e.kind for e in selectors.escalations(steering))
    assert kinds == ["overdue", "rejected"]
    conditional = Review.objects.get(state=ReviewState.CONDITIONS)
    late = [c for c in conditional.conditions.all() if c.status == ConditionStatus.OPEN and c.due_on < today()]
    assert conditional.conditions.filter(status=ConditionStatus.OPEN).count() == 2 and len(late) == 1
    assert sorted(GateRun.objects.values_list("result", flat=True)) == ["fail", "pass"]
    owner = context.users["owner"]
    mine = selectors.reviews_of_owner(owner)
    assert {r.review.project.name for r in mine} == {"Customer portal 2.0", "Carrier onboarding API",
                                                     "Driver mobile app"}
    assert any(r.clock.paused for r in mine)
    assert [r.action for r in selectors.queue_for(owner)] == ["answer the reviewer's question"]
    metrics = selectors.metrics(context.users["cio"])
    assert metrics.decided == 3 and metrics.open == 5 and metrics.median_hours is not None
    assert selectors.sla_policy_state(context.users["ciso"]).pending is not None
    assert verify_chain().ok
