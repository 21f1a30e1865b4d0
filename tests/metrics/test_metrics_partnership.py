"""The partnership review of 2026Q4 on a worked example, each figure by hand; the trend over four
quarters; the retrospective on the decision log with its actions as follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.governance import services as governance
from accord.governance.models import Decision
from accord.metrics import selectors, services
from accord.metrics.models import Retrospective
from accord.metrics.partnership import Quarter, parse_quarter


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_quarters_parse_and_step():
    q = parse_quarter(" 2026q4 ")
    assert (q.label, q.start, q.end) == ("2026Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert [x.label for x in q.previous(4)] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert Quarter.containing(date(2027, 2, 3)).preceding().label == "2026Q4"
    for bad in ("2026Q5", "Q4", "", "2026-Q4"):
        with pytest.raises(ValidationFailed) as exc:
            parse_quarter(bad)
        assert exc.value.problems[0].field == "quarter"


@pytest.fixture
def quarter_example(frozen, leaders, org_data, review_example):
    """2026Q4 (to 1 December):
    - a remediation SLA proposal rejected by the CIO on 6 October, proposed again and granted on 20 October:
      a conflict resolved in 14 days; sla_policy: 1 agreed, 1 rejected;
    - a review SLA proposal withdrawn;
    - two patch plans signed by both: 3 days (2 to 5 November) and 1.5 days (10 to 11 November 21:00):
      median 2.25 days; a third, requested in September and signed in October, counts too (8 days);
    - the committee: a matter raised on 7 October and decided on 27 October (20 days), one raised on
      3 November still open (deferred);
    - decisions on the log in the quarter: the committee's and one more (2); one in September does not count;
    - an incident whose second executive update came two hours after the first one promised;
    - reviews (conftest): 1 of 2 within their SLA."""
    from accord.incidents import services as incidents
    from accord.steering import services as steering

    ciso, cio, erp, web = leaders["ciso"], leaders["cio"], org_data["erp"], org_data["web"]

    def propose(kind, subject, when):
        frozen.set(when)
        return governance.request_signoff(actor=ciso, kind=kind, subject=subject, inputs={"at": when.isoformat()},
                                          slots=[["ciso"], ["cio"]], summary=kind, proposer_role="ciso")

    def sign(signoff, when):
        frozen.set(when)
        governance.approve(actor=cio, signoff=signoff)

    rejected = propose("sla_policy", erp, at(10, 5))
    frozen.set(at(10, 6))
    governance.reject(actor=cio, signoff=rejected, comment="Too tight for the ERP.")
    sign(propose("sla_policy", erp, at(10, 16)), at(10, 20))
    withdrawn = propose("review_sla", web, at(10, 21))
    governance.withdraw(actor=ciso, signoff=withdrawn, reason="wrong tier")
    sign(propose("patch_plan", erp, at(11, 2)), at(11, 5))
    sign(propose("patch_plan", web, at(11, 10)), at(11, 11, 21))
    sign(propose("patch_plan", org_data["other_team"], at(9, 28)), at(10, 6))

    frozen.set(at(9, 15))
    governance.record_decision(actor=ciso, question="Before the quarter", outcome="not counted")
    frozen.set(at(10, 20))
    meeting = steering.schedule_meeting(actor=ciso, title="Steering Q4", starts_at=at(10, 27))
    item = steering.add_item(actor=ciso, meeting=meeting, title="ERP patch window dispute", raised_on=date(2026, 10, 7))
    frozen.set(at(10, 27))
    steering.decide(actor=ciso, item=item, question="Patch the ERP on Sundays?", outcome="Yes, from November")
    frozen.set(at(11, 3))
    later = steering.schedule_meeting(actor=ciso, title="Steering December", starts_at=at(12, 8))
    steering.add_item(actor=ciso, meeting=later, title="Budget for EDR")
    frozen.set(at(11, 4))
    governance.record_decision(actor=cio, question="Extend the freeze?", outcome="No")

    frozen.set(at(11, 16))
    incident = incidents.open_incident(actor=ciso, title="Mail outage", severity=2, detected_at=at(11, 16, 8))
    incidents.write_update(actor=ciso, incident=incident, bottom_line="Mail is down.",
                           next_update_at=at(11, 16, 10))
    frozen.set(at(11, 16, 12))
    incidents.write_update(actor=ciso, incident=incident, bottom_line="Mail is back.",
                           next_update_at=at(11, 16, 16))
    incidents.open_incident(actor=ciso, title="Drill", severity=2, detected_at=at(11, 16, 8), exercise=True)
    frozen.set(at(12, 1))
    return {"incident": incident}


def test_the_quarter_figures_by_hand(frozen, leaders, quarter_example):
    review = selectors.partnership(leaders["ciso"], "2026Q4")
    conflicts = {c.title: c for c in review.conflicts}
    assert conflicts["ERP patch window dispute"].days == 20
    assert conflicts["Budget for EDR"].resolved_on is None
    rejection = next(c for c in review.conflicts if c.source == "rejected sign-off")
    assert (rejection.raised_on, rejection.resolved_on, rejection.days) == (date(2026, 10, 6), date(2026, 10, 20), 14)
    assert review.median_days_to_resolve == pytest.approx(17.0)  # of 20 and 14
    # a page lists the longest to resolve first, then the open ones
    assert [c.title for c in review.listed(3)] == ["ERP patch window dispute", rejection.title, "Budget for EDR"]
    assert review.by_source() == [("committee: manual", 2, 1, 20.0), ("rejected sign-off", 1, 1, 14.0)]
    assert sorted(review.signature_days) == pytest.approx([1.5, 3.0, 8.0])
    assert review.median_signature_days == pytest.approx(3.0)
    assert review.review_attainment == pytest.approx(50.0) and review.reviews_counted == 2
    assert (review.decisions_taken, review.deferred) == (2, 1)
    assert [(s.reference, s.late_updates, s.worst_minutes) for s in review.slips] == [
        (f"INC-{quarter_example['incident'].pk}", 1, 120.0)]
    assert review.incidents_seen == 1  # the exercise is never counted
    assert dict(review.pairs()) == {
        "Conflicts escalated": "3 (2 resolved, median 17.0 days to resolve)",
        "Review SLA attainment": "50.0% of 2 reviews",
        "Patch plan proposal to both signatures": "median 3.0 days (3 plans)",
        "Remediation SLA policy proposals": "1 agreed, 1 rejected",
        "Review SLA proposals": "1 withdrawn",
        "Portfolio selection proposals": "none",
        "Decisions taken / deferred": "2 taken, 1 deferred",
        "Incidents where the executive cadence slipped": "1 of 1 incident",
    }


def test_the_trend_has_four_quarters_and_empty_ones_say_so(frozen, leaders, quarter_example):
    quarters = selectors.partnership_quarters(leaders["ciso"])
    assert [q.quarter for q in quarters] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert quarters[-1].url == "/scorecard/partnership/2026Q4/"
    q3 = dict(quarters[2].figures)
    assert q3["Review SLA attainment"] == "no data" and q3["Decisions taken / deferred"] == "1 taken, 0 deferred"
    assert q3["Patch plan proposal to both signatures"] == "no data"
    assert dict(quarters[3].figures) == dict(selectors.partnership(leaders["ciso"], "2026Q4").pairs())


def test_a_viewer_without_an_area_gets_no_data_for_it(frozen, leaders, quarter_example):
    figures = dict(selectors.partnership(leaders["board"], "2026Q4").pairs())
    assert figures["Review SLA attainment"] == "no data"
    assert figures["Incidents where the executive cadence slipped"] == "no data"


def test_a_retrospective_goes_on_the_log_with_its_actions_as_follow_ups(frozen, leaders, quarter_example):
    from accord.steering.models import FollowUp

    row = services.record_retrospective(
        actor=leaders["cio"], quarter="2026Q4", worked="Patch windows agreed in a week.",
        strained="Review SLA missed twice.",
        actions=[{"title": "Add a reviewer for light reviews", "owner": leaders["ciso"], "due_on": date(2027, 1, 31)}])
    decision = Decision.objects.get(pk=row.decision_id)
    assert decision.question == "Partnership review 2026Q4: retrospective of the CIO"
    assert "What strained: Review SLA missed twice." in decision.rationale
    assert decision.figures["Review SLA attainment"] == "50.0% of 2 reviews"
    follow_up = FollowUp.objects.get(decision_id=decision.pk)
    assert follow_up.owner_id == leaders["ciso"].pk and follow_up.due_on == date(2027, 1, 31)
    assert row.actions == [{"title": "Add a reviewer for light reviews", "owner": "ciso", "owner_name": "ciso",
                            "due_on": "2027-01-31", "follow_up": follow_up.pk}]
    with pytest.raises(PermissionError):
        row.save()
    services.record_retrospective(actor=leaders["ciso"], quarter="2026Q4", worked="Shared numbers.",
                                  strained="Budget talks.")
    assert [r.recorded_role for r in selectors.retrospectives_of(leaders["auditor"], "2026Q4")] == ["cio", "ciso"]


@pytest.mark.parametrize("changes, field", [
    ({"quarter": "2027Q1"}, "quarter"),  # not started yet
    ({"quarter": "next"}, "quarter"),
    ({"worked": " "}, "worked"),
    ({"strained": "x" * 2001}, "strained"),
    ({"actions": [{"title": "", "owner": None, "due_on": date(2027, 1, 1)}]}, "actions[0].title"),
    ({"actions": [{"title": "Do it", "owner": None, "due_on": date(2027, 1, 1)}]}, "actions[0].owner"),
])
def test_bad_retrospectives_are_refused_and_change_nothing(frozen, leaders, changes, field):
    given = {"quarter": "2026Q4", "worked": "a", "strained": "b", "actions": [], **changes}
    with pytest.raises(ValidationFailed) as exc:
        services.record_retrospective(actor=leaders["ciso"], **given)
    assert exc.value.problems[0].field == field
    assert not Retrospective.objects.exists() and not Decision.objects.exists()


def test_only_the_leaders_record_a_retrospective(frozen, leaders):
    for who in ("analyst", "steering", "board"):
        with pytest.raises(NotAllowed):
            services.record_retrospective(actor=leaders[who], quarter="2026Q4", worked="a", strained="b")


def test_the_retrospective_owner_must_be_a_person_with_a_role(frozen, leaders):
    assert selectors.action_owner("cio") == leaders["cio"]
    with pytest.raises(ValidationFailed) as exc:
        selectors.action_owner("nobody")
    assert exc.value.problems[0].field == "owner"


def test_an_action_needs_a_due_day(frozen, leaders):
    with pytest.raises(ValidationFailed) as exc:
        services.record_retrospective(actor=leaders["ciso"], quarter="2026Q4", worked="a", strained="b",
                                      actions=[{"title": "Do it", "owner": leaders["cio"], "due_on": "soon"}])
    assert exc.value.problems[0].field == "actions[0].due_on" and not Decision.objects.exists()
