"""The demo's committee, built on the demo organisation and its reviews: members, two past meetings
with minutes and decisions (one action done, one open and overdue, one referral to the board), and
the next meeting with its agenda built and sent."""

from __future__ import annotations

from datetime import timedelta

from accord.core.audit import verify_chain
from accord.core.clock import today
from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.steering import build_steering
from accord.notifications.models import Event, Notification
from accord.steering import selectors
from accord.steering.models import FollowUpStatus, MeetingStatus, Source


def test_the_demo_committee(db):
    context = create_demo_accounts()
    build_organisation(context)
    build_reviews(context)
    summary = build_steering(context)
    viewer = context.users["steering"]
    assert summary.startswith("steering: 4 members")
    held = list(selectors.meetings_visible_to(viewer, status=MeetingStatus.HELD).order_by("starts_at"))
    assert len(held) == 2 and all(m.minutes and m.attendees.count() == 3 for m in held)
    assert len(selectors.committee_decisions(viewer)) == 3
    actions = list(selectors.follow_ups_visible_to(viewer))
    assert sorted(a.status for a in actions) == [FollowUpStatus.DONE, FollowUpStatus.OPEN]
    assert [selectors.is_overdue(a) for a in actions if a.status == FollowUpStatus.OPEN] == [True]
    upcoming = selectors.next_meeting(viewer)
    assert upcoming is not None and upcoming.agenda_announced_at is not None
    sources = {g.source for g in selectors.grouped(list(selectors.items_of(viewer, upcoming)))}
    assert {Source.REVIEWS, Source.MANUAL} <= sources  # the demo's escalated reviews, and one by hand
    assert Notification.objects.filter(event=Event.STEERING_AGENDA).count() == 4
    first_day = today() - timedelta(days=80)
    [referral] = selectors.decisions_requested_from_board(first_day, today())
    assert "board to decide" in referral.recommendation
    assert len(selectors.escalations_between(first_day, today())) >= 4
    assert verify_chain().ok
