"""Decisions go on the append-only log with the item's figures; a reversal is a new decision; follow-up
actions are tracked to closure and their owners hear once when overdue; the contracts the
partnership review and the board pack call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.core import clock
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.governance.models import Decision
from accord.notifications.models import Event, Notification
from accord.steering import selectors, services
from accord.steering.models import FollowUp, FollowUpStatus, ItemDecision, ItemStatus


@pytest.fixture
def item(people, meeting):
    return services.add_item(actor=people["ciso"], meeting=meeting, title="Fund MFA for remote access",
                             reason="Credential stuffing on the portal",
                             figures=[("Cost", "EUR 180,000 over 3 years"), ("Loss avoided", "EUR 240,000 a year")])


def decide(people, item, **extra):
    actor = extra.pop("actor", people["steering"])
    fields = {"question": "Fund MFA this year?", "outcome": "Fund it from the security budget.",
              "rationale": "Avoided loss exceeds the cost.", "options": ["Fund it", "Defer"], **extra}
    return services.decide(actor=actor, item=item, **fields)


def test_a_decision_goes_on_the_log_with_the_items_figures(people, item):
    due = clock.today() + timedelta(days=14)
    row = decide(people, item, follow_ups=[services.FollowUpDraft("Order the keys", people["cio"], due)])
    decision = Decision.objects.get(pk=row.decision.pk)
    assert decision.question == "Fund MFA this year?" and decision.decided_by == people["steering"]
    assert decision.figures == {"as_of": item.as_of.isoformat(), "source": "manual",
                                "Cost": "EUR 180,000 over 3 years", "Loss avoided": "EUR 240,000 a year"}
    assert decision.options == [{"label": "Fund it", "figures": {"Cost": "EUR 180,000 over 3 years",
                                                                 "Loss avoided": "EUR 240,000 a year"}},
                                {"label": "Defer", "figures": {"Cost": "EUR 180,000 over 3 years",
                                                               "Loss avoided": "EUR 240,000 a year"}}]
    assert decision.subject_type == "steering.agendaitem" and decision.subject_id == str(item.pk)
    item.refresh_from_db()
    assert item.status == ItemStatus.DECIDED and item.resolved_on == clock.today()
    [action] = row.follow_ups
    assert (action.owner, action.due_on, action.status) == (people["cio"], due, FollowUpStatus.OPEN)
    assert AuditEvent.objects.filter(action="committee_decision.recorded").count() == 1
    assert AuditEvent.objects.filter(action="follow_up.added").count() == 1


def test_the_log_is_append_only(people, item):
    row = decide(people, item)
    decision, link = Decision.objects.get(pk=row.decision.pk), ItemDecision.objects.get()
    decision.outcome = "Quietly changed"
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        decision.delete()
    with pytest.raises(PermissionError):
        Decision.objects.filter(pk=decision.pk).update(outcome="x")
    with pytest.raises(PermissionError):
        link.delete()
    with pytest.raises(PermissionError):
        ItemDecision.objects.all().update(referred_to_board=True)
    link.referred_to_board = True
    with pytest.raises(PermissionError):
        link.save()
    assert Decision.objects.get(pk=decision.pk).outcome == "Fund it from the security budget."


def test_a_second_decision_must_reverse_the_first(people, item):
    first = decide(people, item)
    with pytest.raises(ValidationFailed) as refused:
        decide(people, item, outcome="Defer after all.")
    assert refused.value.problems[0].field == "reverses_id"
    assert Decision.objects.count() == 1
    second = decide(people, item, outcome="Defer to next year.", reverses_id=first.decision.pk)
    assert second.decision.reverses_id == first.decision.pk
    assert Decision.objects.get(pk=first.decision.pk).outcome == "Fund it from the security budget."
    history = selectors.committee_decisions(people["board"], item=item)
    assert [r.decision.pk for r in history] == [second.decision.pk, first.decision.pk]


def test_bad_decisions_are_refused_and_write_nothing(people, item):
    with pytest.raises(ValidationFailed) as refused:
        decide(people, item, follow_ups=[services.FollowUpDraft("", people["cio"], clock.today()),
                                         services.FollowUpDraft("Call", people["cio"], None)])  # type: ignore[arg-type]
    assert [p.field for p in refused.value.problems] == ["follow_ups[0].title", "follow_ups[1].due_on"]
    with pytest.raises(ValidationFailed) as empty:
        decide(people, item, outcome="  ")
    assert empty.value.problems[0].field == "outcome"
    with pytest.raises(ValidationFailed):
        decide(people, item, reverses_id=12345)
    with pytest.raises(NotAllowed):
        decide(people, item, actor=people["analyst"])
    assert not Decision.objects.exists() and not FollowUp.objects.exists()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_follow_ups_are_tracked_to_closure(people, item):
    row = decide(people, item)
    action = services.add_follow_up(actor=people["cio"], decision_id=row.decision.pk, title="Order the keys",
                                    owner=people["itops"], due_on=clock.today() + timedelta(days=3))
    assert action.decision_id == row.decision.pk
    with pytest.raises(NotAllowed):  # neither its owner nor a decider
        services.close_follow_up(actor=people["analyst"], follow_up=action)
    done = services.close_follow_up(actor=people["itops"], follow_up=action, note="Ordered")
    assert (done.status, done.closed_by, done.closing_note) == (FollowUpStatus.DONE, people["itops"], "Ordered")
    assert done.closed_at is not None
    with pytest.raises(ValidationFailed, match="already done"):
        services.close_follow_up(actor=people["cio"], follow_up=done)
    with pytest.raises(ValidationFailed) as refused:
        services.add_follow_up(actor=people["cio"], decision_id=row.decision.pk, title="x", owner=None,
                               due_on=clock.today())
    assert refused.value.problems[0].field == "owner"


def test_an_overdue_action_tells_its_owner_once(people, item, frozen):
    from accord.jobs.tick import run_tick

    row = decide(people, item, follow_ups=[services.FollowUpDraft("Order the keys", people["cio"],
                                                                  clock.today() + timedelta(days=2))])
    assert services.notify_overdue_follow_ups(actor=people["admin"]) == 0  # not due yet
    frozen.advance(days=3)
    assert selectors.is_overdue(row.follow_ups[0])
    result = run_tick()
    assert result["steering.overdue_actions"] == "1 overdue follow-up(s) announced"
    assert run_tick()["steering.overdue_actions"] == "0 overdue follow-up(s) announced"
    [notice] = Notification.objects.filter(event=Event.STEERING_ACTION)
    assert notice.user == people["cio"] and notice.title == "Overdue steering action: Order the keys"
    assert "1 day(s) late" in notice.body


def test_escalations_between_for_the_partnership_review(people, meeting, item, rejected_review):
    services.build_agenda(actor=people["ciso"], meeting=meeting)
    decide(people, item)
    today = clock.today()
    found = selectors.escalations_between(today - timedelta(days=1), today)
    assert [(e.title, e.source, e.raised_on, e.resolved_on) for e in found] == [
        ("Fund MFA for remote access", "manual", today, today),
        ("Security review of Customer portal v2: rejected", "reviews", today, None)]
    assert selectors.escalations_between(today + timedelta(days=1), today + timedelta(days=9)) == []


def test_the_same_matter_on_two_meetings_counts_once(people, meeting, rejected_review):
    later = services.schedule_meeting(actor=people["ciso"], title="Next", starts_at=meeting.starts_at + timedelta(days=30))
    services.build_agenda(actor=people["ciso"], meeting=meeting)
    services.build_agenda(actor=people["ciso"], meeting=later)
    today = clock.today()
    assert len(selectors.escalations_between(today, today)) == 1


def test_decisions_requested_from_the_board(people, item, meeting):
    other = services.add_item(actor=people["ciso"], meeting=meeting, title="Carry the TMS risk?")
    referred = decide(people, item, refer_to_board=True)
    decide(people, other)  # not referred
    today = clock.today()
    [request] = selectors.decisions_requested_from_board(today, today)
    assert request.question == "Fund MFA this year?" and request.options == ("Fund it", "Defer")
    assert request.recommendation == "Fund it from the security budget."
    assert "Cost: EUR 180,000 over 3 years" in request.background
    assert request.url == f"/steering/meetings/{meeting.pk}/#item-{item.pk}"
    decide(people, item, outcome="We decide it ourselves.", reverses_id=referred.decision.pk)
    assert selectors.decisions_requested_from_board(today, today) == []  # reversed since


def test_a_decision_at_a_past_meeting_counts_on_the_meeting_day(people, frozen):
    held_on = clock.today()
    past = services.schedule_meeting(actor=people["ciso"], title="Q3", starts_at=frozen.now)
    matter = services.add_item(actor=people["ciso"], meeting=past, title="Old matter",
                               raised_on=held_on - timedelta(days=3))
    frozen.advance(days=5)  # the minutes are written up five days later
    first = decide(people, matter)
    matter.refresh_from_db()
    assert matter.resolved_on == held_on and first.day == held_on
    assert first.decision.decided_on == held_on + timedelta(days=5)  # the log says when it was recorded
    [escalation] = selectors.escalations_between(held_on - timedelta(days=3), held_on)
    assert (escalation.raised_on, escalation.resolved_on) == (held_on - timedelta(days=3), held_on)
    reversal = decide(people, matter, outcome="No after all.", reverses_id=first.decision.pk)
    assert reversal.day == clock.today() == held_on + timedelta(days=5)


def test_members_and_minutes(people, meeting, committee, frozen, org_data):
    with pytest.raises(ValidationFailed) as twice:
        services.add_member(actor=people["ciso"], user=people["cio"], seat="cio")
    assert twice.value.problems[0].field == "user"
    with pytest.raises(ValidationFailed) as no_unit:
        services.add_member(actor=people["ciso"], user=people["owner"], seat="business_unit")
    assert no_unit.value.problems[0].field == "business_service"
    with pytest.raises(ValidationFailed) as early:
        services.record_minutes(actor=people["ciso"], meeting=meeting, minutes="x", attendees=[people["cio"]])
    assert early.value.problems[0].field == "starts_at"
    frozen.advance(days=8)
    with pytest.raises(ValidationFailed) as stranger:
        services.record_minutes(actor=people["ciso"], meeting=meeting, minutes="x", attendees=[people["analyst"]])
    assert stranger.value.problems[0].field == "attendees"
    held = services.record_minutes(actor=people["ciso"], meeting=meeting, minutes="1. Budget agreed.",
                                   attendees=[people["cio"], people["steering"]])
    assert held.status == "held" and set(held.attendees.all()) == {people["cio"], people["steering"]}
    left = services.remove_member(actor=people["ciso"], member=committee[2])
    assert not left.active and people["steering"] not in selectors.member_users(people["ciso"])
    services.add_member(actor=people["ciso"], user=people["steering"], seat="business_unit",
                        business_service=org_data["web"])  # a new seat once the old one is left
