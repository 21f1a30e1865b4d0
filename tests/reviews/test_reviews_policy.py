"""The review SLA per tier, changed by the CISO and the CIO together through a governance sign-off, and
the working calendar the clocks count in."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.governance.models import SignOff, SignOffStatus
from accord.governance.selectors import waiting_for
from accord.reviews import selectors, services
from accord.reviews.models import PolicyStatus

DAYS = {"triage_days": "1", "light_days": "3.5", "full_days": "8", "vendor_days": "12", "emergency_days": "0.5"}


def test_one_leader_proposes_the_other_confirms(db, frozen, people, intranet):
    assert selectors.sla_days_in_force()[0]["light"] == Decimal(5)  # the defaults
    proposal = services.propose_review_sla(actor=people["cio"], reason="Faster turnaround for the roadmap", **DAYS)
    assert proposal.status == PolicyStatus.PROPOSED and proposal.proposed_role == "cio"
    signoff = proposal.signoff
    assert signoff.kind == "review_sla" and signoff.status == SignOffStatus.OPEN
    assert signoff in waiting_for(people["ciso"]) and signoff not in waiting_for(people["cio"])
    with pytest.raises(ValidationFailed, match="different people"):
        services.confirm_review_sla(actor=people["cio"], policy=proposal)  # the proposer cannot confirm
    for role in ("analyst", "owner", "steering"):
        with pytest.raises(NotAllowed):
            services.confirm_review_sla(actor=people[role], policy=proposal)
    assert selectors.sla_days_in_force()[1] is None  # not in force yet
    confirmed = services.confirm_review_sla(actor=people["ciso"], policy=proposal)
    assert confirmed.status == PolicyStatus.ACTIVE and confirmed.confirmed_by == people["ciso"]
    assert SignOff.objects.get(pk=signoff.pk).status == SignOffStatus.GRANTED
    days, row = selectors.sla_days_in_force()
    assert row == confirmed and days["light"] == Decimal("3.5") and days["emergency"] == Decimal("0.5")
    review = services.request_review(actor=people["owner"], project=intranet)
    assert review.sla_days == Decimal("3.5") and review.sla_hours == 28.0
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"review_sla.proposed", "review_sla.confirmed", "signoff.granted"} <= actions


def test_a_newer_proposal_replaces_a_pending_one_and_the_other_leader_may_decline(db, frozen, people):
    first = services.propose_review_sla(actor=people["ciso"], **DAYS)
    second = services.propose_review_sla(actor=people["ciso"], **{**DAYS, "full_days": "9"})
    first.refresh_from_db()
    assert first.status == PolicyStatus.WITHDRAWN and first.signoff.status == SignOffStatus.WITHDRAWN
    services.withdraw_review_sla(actor=people["cio"], policy=second)
    second.refresh_from_db()
    assert second.status == PolicyStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="review_sla.withdrawn").first().after["reason"] == (
        "declined by the other leader")
    with pytest.raises(ValidationFailed, match="not awaiting confirmation"):
        services.confirm_review_sla(actor=people["cio"], policy=second)


def test_proposals_are_checked(db, frozen, people):
    with pytest.raises(ValidationFailed, match="light_days"):
        services.propose_review_sla(actor=people["ciso"], **{**DAYS, "light_days": "0"})
    with pytest.raises(ValidationFailed, match="full_days"):
        services.propose_review_sla(actor=people["ciso"], **{**DAYS, "full_days": "ten"})
    with pytest.raises(NotAllowed):
        services.propose_review_sla(actor=people["analyst"], **DAYS)


def test_reviews_already_requested_keep_their_sla(db, frozen, people, intranet):
    review = services.request_review(actor=people["owner"], project=intranet)
    policy = services.propose_review_sla(actor=people["ciso"], **DAYS)
    services.confirm_review_sla(actor=people["cio"], policy=policy)
    review.refresh_from_db()
    assert review.sla_hours == 40.0


def test_the_working_calendar_public_holidays_and_hours(db, frozen, people, intranet):
    """Light review requested Monday 2 March 2026 09:00 in Berlin (Germany, state of Berlin), 09:00-17:00:
    40 business hours. Good Friday is 3 April 2026. Requested Monday 30 March 09:00 it is due Tuesday
    7 April 17:00 (Friday 3 April and Easter Monday 6 April are holidays), not Friday 3 April."""
    with pytest.raises(NotAllowed):
        services.update_calendar(actor=people["analyst"], country="DE")
    with pytest.raises(ValidationFailed, match="country"):
        services.update_calendar(actor=people["ciso"], country="XX")
    with pytest.raises(ValidationFailed, match="subdivision"):
        services.update_calendar(actor=people["ciso"], country="DE", subdivision="ZZ")
    with pytest.raises(ValidationFailed, match="day_end"):
        services.update_calendar(actor=people["ciso"], day_start=time(17), day_end=time(9))
    row = services.update_calendar(actor=people["ciso"], country="de", subdivision="be")
    assert (row.country, row.subdivision) == ("DE", "BE")
    frozen.set(datetime(2026, 3, 30, 9, tzinfo=UTC))
    review = services.request_review(actor=people["owner"], project=intranet)
    assert selectors.clock_of(review).due == datetime(2026, 4, 7, 17, tzinfo=UTC)
    services.update_calendar(actor=people["cio"], day_start=time(8), day_end=time(18), workdays=[0, 1, 2, 3])
    assert AuditEvent.objects.filter(action="review_settings.updated").count() == 2
    state = selectors.sla_policy_state(people["owner"])
    assert state.hours_per_day == 10.0 and state.hours["light"] == 50.0
    assert selectors.clock_of(review).sla_hours == 40.0  # fixed at the request
