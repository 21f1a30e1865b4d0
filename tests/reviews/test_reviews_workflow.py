"""The review workflow: each step by the right and the wrong role, audited and notified; the tier
table and overrides; the SLA clock paused while the review waits on its requester; conditions;
escalations to the steering committee."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.notifications.models import Notification
from accord.reviews import selectors, services
from accord.reviews.models import ConditionStatus, ReviewState, Transition
from accord.reviews.tiers import suggested_tier

from .conftest import MONDAY


@pytest.mark.parametrize(("classification", "exposure", "third_parties", "tier"), [
    ("restricted", "none", False, "full"),
    ("restricted", "public", True, "full"),
    ("confidential", "public", False, "full"),
    ("confidential", "partner", False, "light"),
    ("confidential", "none", True, "vendor"),
    ("internal", "public", True, "vendor"),
    ("internal", "none", False, "light"),
    ("public", "none", False, "triage"),
    ("public", "partner", False, "triage"),
    ("public", "public", False, "light"),
    ("public", "none", True, "light"),
])
def test_the_tier_table(classification, exposure, third_parties, tier):
    suggestion = suggested_tier(classification, exposure, third_parties)
    assert suggestion.tier == tier, suggestion.rule


def test_a_project_owner_requests_a_review_on_the_table_s_tier(db, frozen, people, portal):
    review = services.request_review(actor=people["owner"], project=portal, scope="Login and payments")
    assert (review.state, review.tier, review.suggested_tier) == (ReviewState.REQUESTED, "full", "full")
    assert review.sla_days == Decimal(10) and review.sla_hours == 80.0  # 10 business days of 8 hours
    assert [t.to_state for t in review.transitions.all()] == ["requested"]
    event = AuditEvent.objects.filter(action="review.requested").get()
    assert event.actor_name == "owner" and event.after["tier"] == "full"
    told = set(Notification.objects.filter(event="review.requested").values_list("user__username", flat=True))
    assert told == {"ciso", "analyst", "analyst2"}  # the security side: who holds review.write


def test_who_may_request(db, frozen, people, portal, intranet):
    for role in ("analyst", "ciso", "itops", "auditor", "steering"):
        with pytest.raises(NotAllowed):
            services.request_review(actor=people[role], project=portal)
    with pytest.raises(ValidationFailed, match="own or sponsor"):
        services.request_review(actor=people["other_owner"], project=portal)
    assert services.request_review(actor=people["cio"], project=intranet).requested_by == people["cio"]
    with pytest.raises(ValidationFailed, match="already has an open review"):
        services.request_review(actor=people["owner"], project=intranet)


def test_a_tier_other_than_the_table_s_needs_a_reason_and_is_audited(db, frozen, people, intranet):
    with pytest.raises(ValidationFailed, match="tier_reason"):
        services.request_review(actor=people["owner"], project=intranet, tier="emergency")
    review = services.request_review(actor=people["owner"], project=intranet, tier="emergency",
                                     tier_reason="Go-live moved to Friday by the regulator")
    assert (review.tier, review.suggested_tier, review.sla_hours) == ("emergency", "light", 8.0)
    with pytest.raises(ValidationFailed, match="say why"):
        services.triage_review(actor=people["analyst"], review=review, tier="full")
    services.triage_review(actor=people["analyst"], review=review, tier="full", tier_reason="Payment data after all")
    review.refresh_from_db()
    assert (review.tier, review.sla_hours, review.tier_reason) == ("full", 80.0, "Payment data after all")
    triaged = AuditEvent.objects.filter(action="review.triaged").get()
    assert triaged.before["tier"] == "emergency" and triaged.after["tier"] == "full"


def test_each_step_by_the_right_role_and_refused_to_the_wrong_one(db, frozen, people, portal):
    review = services.request_review(actor=people["owner"], project=portal)
    for role in ("owner", "cio", "itops", "auditor"):
        with pytest.raises(NotAllowed):
            services.triage_review(actor=people[role], review=review)
    services.triage_review(actor=people["analyst"], review=review, reviewer=people["analyst2"], note="ok")
    with pytest.raises(ValidationFailed, match="only a review requested can be triaged"):
        services.triage_review(actor=people["analyst"], review=review)
    with pytest.raises(NotAllowed):
        services.start_review(actor=people["owner"], review=review)
    services.start_review(actor=people["analyst2"], review=review)
    with pytest.raises(NotAllowed):
        services.ask_requester(actor=people["cio"], review=review, question="?")
    services.ask_requester(actor=people["analyst2"], review=review, question="Where is the data-flow diagram?")
    with pytest.raises(NotAllowed):
        services.answer_requester(actor=people["analyst"], review=review, answer="here")  # not a requester
    with pytest.raises(NotAllowed):
        services.answer_requester(actor=people["other_owner"], review=review, answer="here")  # not theirs
    with pytest.raises(ValidationFailed, match="answer"):
        services.answer_requester(actor=people["owner"], review=review, answer=" ")
    services.answer_requester(actor=people["owner"], review=review, answer="Attached to the wiki page.")
    review.refresh_from_db()
    assert review.state == ReviewState.IN_REVIEW  # back where it was
    with pytest.raises(NotAllowed):
        services.decide_review(actor=people["owner"], review=review, outcome="approved")
    with pytest.raises(ValidationFailed, match="say why"):
        services.decide_review(actor=people["analyst2"], review=review, outcome="rejected")
    with pytest.raises(ValidationFailed, match="at least one condition"):
        services.decide_review(actor=people["analyst2"], review=review, outcome="conditions")
    services.decide_review(actor=people["analyst2"], review=review, outcome="conditions", note="Fine with two fixes",
                           conditions=[services.NewCondition("Turn on MFA for admins", people["person"]["owner"],
                                                             date(2026, 4, 1))])
    review.refresh_from_db()
    assert (review.state, review.decided_by, review.reviewer) == (ReviewState.CONDITIONS, people["analyst2"],
                                                                  people["analyst2"])
    steps = [(t.from_state, t.to_state, t.actor.username) for t in review.transitions.all()]
    assert steps == [("", "requested", "owner"), ("requested", "triaged", "analyst"),
                     ("triaged", "in_review", "analyst2"), ("in_review", "waiting", "analyst2"),
                     ("waiting", "in_review", "owner"), ("in_review", "conditions", "analyst2")]
    actions = list(AuditEvent.objects.filter(object_type="reviews.review").order_by("seq").values_list("action",
                                                                                                        flat=True))
    assert actions == ["review.requested", "review.triaged", "review.started", "review.waiting", "review.answered",
                       "review.decided"]
    owner_inbox = list(Notification.objects.filter(user=people["owner"]).values_list("title", flat=True))
    assert any("clock is paused" in t for t in owner_inbox) and any("approved with conditions" in t for t in owner_inbox)
    assert any("Condition on Customer portal v2 for you" in t for t in owner_inbox)


def test_whoever_asked_for_a_review_cannot_decide_it(db, frozen, people, make_user, intranet):
    both = make_user("cio", "security_analyst", username="both")
    review = services.request_review(actor=both, project=intranet)
    services.triage_review(actor=both, review=review)
    with pytest.raises(ValidationFailed, match="someone else decides"):
        services.decide_review(actor=both, review=review, outcome="approved")
    services.decide_review(actor=people["analyst"], review=review, outcome="approved")


def test_transitions_are_append_only(db, frozen, people, intranet):
    services.request_review(actor=people["owner"], project=intranet)
    step = Transition.objects.get()
    with pytest.raises(PermissionError):
        step.save()
    with pytest.raises(PermissionError):
        Transition.objects.all().delete()


def test_the_clock_pauses_while_the_review_waits_on_its_requester(db, frozen, people, intranet):
    """Worked example, light tier (5 business days = 40 business hours), 09:00-17:00 Monday to Friday:
    requested Monday 09:00, so due Friday 17:00. Asked Tuesday 09:00 (8 hours used), answered
    Thursday 09:00: the 16 business hours waited are not counted, so it is due the next Tuesday 17:00."""
    review = services.request_review(actor=people["owner"], project=intranet)
    assert review.sla_hours == 40.0
    clock = selectors.clock_of(review)
    assert clock.due == datetime(2026, 3, 6, 17, tzinfo=UTC) and clock.remaining_hours == 40.0 and not clock.paused
    services.triage_review(actor=people["analyst"], review=review)
    frozen.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    services.ask_requester(actor=people["analyst"], review=review, question="Which indexes hold HR files?")
    frozen.set(datetime(2026, 3, 4, 15, tzinfo=UTC))
    review = selectors.review_by_id(people["analyst"], review.pk)
    clock = selectors.clock_of(review)
    assert clock.paused and clock.due is None and clock.remaining_hours == 32.0 and clock.state == "paused"
    frozen.set(datetime(2026, 3, 5, 9, tzinfo=UTC))
    services.answer_requester(actor=people["owner"], review=review, answer="None: HR is excluded.")
    review = selectors.review_by_id(people["analyst"], review.pk)
    clock = selectors.clock_of(review)
    assert not clock.paused and clock.remaining_hours == 32.0
    assert clock.due == datetime(2026, 3, 10, 17, tzinfo=UTC)
    frozen.set(datetime(2026, 3, 10, 18, tzinfo=UTC))
    late = selectors.clock_of(review)
    assert late.breached and late.remaining_hours == 0.0 and late.state == "breached"
    frozen.set(datetime(2026, 3, 11, 10, tzinfo=UTC))
    services.start_review(actor=people["analyst"], review=review)
    services.decide_review(actor=people["analyst"], review=review, outcome="approved")
    review = selectors.review_by_id(people["analyst"], review.pk)
    decided = selectors.clock_of(review)
    assert decided.stopped and decided.breached and decided.elapsed_hours == 41.0
    frozen.advance(days=30)
    assert selectors.clock_of(review) == decided  # stopped at the decision


def test_a_new_tier_takes_the_new_tier_s_sla_from_the_request(db, frozen, people, intranet):
    review = services.request_review(actor=people["owner"], project=intranet)
    frozen.advance(hours=4)
    with pytest.raises(NotAllowed):
        services.change_tier(actor=people["owner"], review=review, tier="full", reason="bigger")
    with pytest.raises(ValidationFailed, match=r"tier_reason|say why"):
        services.change_tier(actor=people["analyst"], review=review, tier="full", reason="")
    services.change_tier(actor=people["analyst"], review=review, tier="full", reason="Now holds customer data")
    review = selectors.review_by_id(people["analyst"], review.pk)
    clock = selectors.clock_of(review)
    assert review.sla_hours == 80.0 and clock.remaining_hours == 76.0
    assert AuditEvent.objects.filter(action="review.tier_changed").get().after["tier"] == "full"


def test_conditions_are_tracked_to_closure(db, frozen, people, portal):
    review = services.request_review(actor=people["owner"], project=portal)
    services.triage_review(actor=people["analyst"], review=review)
    owner = people["person"]["owner"]
    services.decide_review(actor=people["analyst"], review=review, outcome="conditions", note="Two fixes",
                           conditions=[services.NewCondition("Pen test before go-live", owner, date(2026, 3, 20)),
                                       services.NewCondition("WAF in blocking mode", owner, date(2026, 3, 9))])
    first, second = selectors.conditions_of(people["analyst"], review)
    assert (first.text, second.text) == ("WAF in blocking mode", "Pen test before go-live")  # by due day
    with pytest.raises(NotAllowed):
        services.close_condition(actor=people["owner"], condition=first, status="waived", note="not needed")
    with pytest.raises(NotAllowed):
        services.close_condition(actor=people["other_owner"], condition=first, status="met", note="done")
    with pytest.raises(ValidationFailed, match="how it was met"):
        services.close_condition(actor=people["owner"], condition=first, status="met", note="")
    services.close_condition(actor=people["owner"], condition=first, status="met", note="Blocking since 5 March")
    services.close_condition(actor=people["analyst"], condition=second, status="waived", note="Covered by red team")
    with pytest.raises(ValidationFailed, match="already"):
        services.close_condition(actor=people["analyst"], condition=second, status="met", note="x")
    assert [c.status for c in selectors.conditions_of(people["analyst"], review)] == [ConditionStatus.MET,
                                                                                      ConditionStatus.WAIVED]
    assert AuditEvent.objects.filter(action__in=["review_condition.met", "review_condition.waived"]).count() == 2


def test_rejections_and_overdue_reviews_go_to_the_steering_committee(db, frozen, people, portal, intranet):
    rejected = services.request_review(actor=people["owner"], project=portal)
    services.triage_review(actor=people["analyst"], review=rejected)
    services.decide_review(actor=people["analyst"], review=rejected, outcome="rejected",
                           note="Card numbers stored in clear")
    late = services.request_review(actor=people["owner"], project=intranet)  # light: due Friday 17:00
    frozen.set(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
    found = selectors.escalations(people["steering"])
    assert [(e.kind, e.review.pk) for e in found] == [("overdue", late.pk), ("rejected", rejected.pk)]
    assert "past its 40 business-hour SLA by 0.5 business hours" in found[0].reason
    assert "Card numbers stored in clear" in found[1].reason
    with pytest.raises(NotAllowed):
        selectors.escalations(people["board"])  # no review.read
    # Asked again after the rejection: the new review is what counts
    again = services.request_review(actor=people["owner"], project=portal)
    assert [e.review.pk for e in selectors.escalations(people["steering"])] == [late.pk]
    assert again.pk not in [e.review.pk for e in selectors.escalations(people["steering"])]


def test_an_overdue_review_is_announced_once(db, frozen, people, intranet):
    late = services.request_review(actor=people["owner"], project=intranet)
    assert services.announce_overdue(actor=people["admin"]) == 0
    frozen.set(MONDAY + timedelta(days=7))
    assert services.announce_overdue(actor=people["admin"]) == 1
    assert services.announce_overdue(actor=people["admin"]) == 0
    told = set(Notification.objects.filter(event="review.overdue").values_list("user__username", flat=True))
    assert {"owner", "analyst", "ciso"} <= told
    assert AuditEvent.objects.filter(action="review.overdue", object_id=str(late.pk)).count() == 1


def test_queues_for_reviewers_and_owners(db, frozen, people, portal, intranet):
    a = services.request_review(actor=people["owner"], project=portal)
    b = services.request_review(actor=people["cio"], project=intranet)
    services.triage_review(actor=people["analyst"], review=b, reviewer=people["analyst2"])
    assert [r.review.pk for r in selectors.queue_for(people["analyst"])] == [a.pk]  # b is analyst2's
    assert {r.review.pk for r in selectors.queue_for(people["analyst2"])} == {a.pk, b.pk}
    assert selectors.queue_for(people["owner"]) == []
    services.ask_requester(actor=people["analyst2"], review=b, question="Scope?")
    rows = selectors.queue_for(people["cio"])
    assert [(r.review.pk, r.action) for r in rows] == [(b.pk, "answer the reviewer's question")]
    assert [r.review.pk for r in selectors.queue_for(people["owner"])] == [b.pk]  # they own the project
    mine = selectors.reviews_of_owner(people["owner"])
    assert [r.review.pk for r in mine] == [a.pk, b.pk] and mine[1].clock.paused
    assert selectors.reviews_of_owner(people["other_owner"]) == []
    assert selectors.queue_for(people["board"]) == [] and selectors.reviews_of_owner(people["board"]) == []
