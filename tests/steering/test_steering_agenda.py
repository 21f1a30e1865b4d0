"""The agenda builds itself from each source (one real matter per source), keeps its figures with
units and as-of day, never adds a matter twice, marks matters gone from their source as resolved,
and takes items by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.acceptances import selectors as acceptance_selectors
from accord.acceptances.selectors import CommitteeItem
from accord.core import clock
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.steering import selectors, services
from accord.steering.models import AgendaItem, ItemStatus, Source


def build(people, meeting):
    return services.build_agenda(actor=people["ciso"], meeting=meeting)


def items(meeting, source):
    return list(AgendaItem.objects.filter(meeting=meeting, source=source))


def figures(item):
    return dict(item.figure_pairs)


def test_an_empty_organisation_gives_an_empty_agenda(people, meeting):
    report = build(people, meeting)
    assert (report.added, report.resolved) == (0, 0)
    meeting.refresh_from_db()
    assert meeting.agenda_built_at is not None
    assert AuditEvent.objects.filter(action="steering_meeting.agenda_built", object_id=str(meeting.pk)).exists()


def test_a_rejected_security_review(people, meeting, rejected_review):
    build(people, meeting)
    [item] = items(meeting, Source.REVIEWS)
    assert item.source_key == f"reviews:rejected:{rejected_review.pk}"
    assert item.title == "Security review of Customer portal v2: rejected"
    assert "Card numbers stored in clear" in item.reason and item.url == f"/reviews/{rejected_review.pk}/"
    assert figures(item)["State"] == "Rejected" and item.as_of == clock.today()


def test_sla_breaches_past_the_threshold(people, meeting, findings, frozen):
    services.update_settings(actor=people["ciso"], breach_threshold=3)
    frozen.advance(days=400)  # every finding is past its due date
    build(people, meeting)
    [item] = items(meeting, Source.SLA)  # ERP has three past due; the website one (under the threshold)
    assert item.title == "Remediation SLA breaches on ERP"
    assert figures(item) == {"Open findings past due": "3 findings", "KEV findings past due": "0 findings",
                             "Open findings": "3 findings", "Within SLA": "0.0%"}
    assert "agenda thresholds: 3 past due, or 1 KEV past due" in item.reason
    # Raised above what ERP has: the matter leaves the source and the rebuild marks it resolved.
    services.update_settings(actor=people["ciso"], breach_threshold=4)
    report = build(people, meeting)
    item.refresh_from_db()
    assert report.resolved == 1 and item.status == ItemStatus.RESOLVED and item.resolved_on == clock.today()


def test_a_patch_plan_awaiting_signatures(people, meeting, patch_plan):
    build(people, meeting)
    [item] = items(meeting, Source.PATCH_PLANS)
    found = figures(item)
    assert found["Awaiting"] == "signature of the CIO and CISO"
    assert found["Expected loss over the horizon"].startswith(f"{patch_plan.currency} ")
    assert found["SLA breaches in the plan"].endswith(" jobs")
    assert item.url == f"/patching/plans/{patch_plan.pk}/"


def test_an_undecided_emergency_change(people, meeting, emergency_signoff, euro):
    build(people, meeting)
    [item] = items(meeting, Source.EMERGENCIES)  # the plan's two changes make one item
    assert item.source_key == "emergencies:/patching/plans/1/" and item.url == "/patching/plans/1/#emergencies"
    assert item.title == "Decide 2 emergency changes outside the maintenance windows"
    assert figures(item) == {"Emergency changes": "2 changes", "Downtime cost": "EUR 25,000",
                             "Expected loss avoided": "EUR 160,000", "Awaiting": "a decision of the CIO or CISO"}


def test_a_budget_selection_awaiting_approval(people, meeting, selection):
    build(people, meeting)
    [item] = items(meeting, Source.BUDGET)
    found = figures(item)
    assert item.title == "Approve the budget selection for FY27"
    assert found["Budget"] == "EUR 600,000" and found["Awaiting"] == "approval of the CIO"
    assert found["Expected annual loss after"].endswith(" a year")
    assert item.url == f"/portfolio/selections/{selection.pk}/"


def test_a_scenario_above_appetite_with_the_register_figures(people, meeting, above_appetite):
    build(people, meeting)
    [item] = items(meeting, Source.RISKS)
    above_appetite.refresh_from_db()
    run = above_appetite.latest_run
    found = figures(item)
    assert item.title == "Above appetite: Ransomware on the ERP platform"
    assert found["Mean annual loss"] == f"EUR {run.mean:,.0f} a year"
    assert found["Simulation"].startswith(f"run #{run.pk}, seed {run.seed}, engine {run.engine_version}")
    assert "Chance of losing more than EUR 100k in a year" in found


def test_incidents_needing_an_executive_decision(people, meeting, major_incident):
    from accord.incidents import services as incidents

    minor = incidents.open_incident(actor=people["analyst"], title="Lost laptop", severity=4,
                                    detected_at=major_incident.detected_at)
    build(people, meeting)
    [item] = items(meeting, Source.INCIDENTS)  # severity 2 comes; a severity-4 with nothing asked does not
    assert item.source_key == f"incidents:incident:{major_incident.pk}" and minor.pk != major_incident.pk
    assert figures(item)["Severity"] == "Severity 2: major" and item.reason == "Severity 2."


def test_an_acceptance_awaiting_approval(people, meeting, findings, euro):
    from accord.acceptances import services as acceptances
    from accord.vulns.models import Finding

    finding = Finding.objects.get(title="OpenSSL buffer overflow")
    row = acceptances.request_acceptance(actor=people["ciso"], subject_kind="finding", finding=finding.pk,
                                         expires_on=clock.today() + timedelta(days=90),
                                         justification="The vendor certifies the fix next month.")
    build(people, meeting)
    [item] = items(meeting, Source.ACCEPTANCES)
    assert item.source_key == f"acceptances:approve:acceptances.riskacceptance:{row.pk}"
    assert item.title.startswith("Approve: ") and "awaiting approval" in item.reason
    assert item.url == f"/steering/acceptances/{row.pk}/" and item.figures


def test_acceptances_come_from_their_contract(people, meeting, monkeypatch):
    due = clock.today() + timedelta(days=20)
    monkeypatch.setattr(acceptance_selectors, "for_committee", lambda today: [CommitteeItem(
        kind="renew", title="Legacy TMS end of support", reason="expires within 30 days", url="/steering/acceptances/4/",
        subject_type="acceptances.riskacceptance", subject_id="4", due=due,
        figures={"Residual expected loss": "EUR 310,000 a year"})])
    build(people, meeting)
    [item] = items(meeting, Source.ACCEPTANCES)
    assert item.title == "Renew: Legacy TMS end of support"
    assert item.figure_pairs == [("Residual expected loss", "EUR 310,000 a year"), ("Expires on", due.isoformat())]


def test_rebuilding_adds_no_duplicates_and_refreshes_figures(people, meeting, rejected_review, major_incident):
    first = build(people, meeting)
    assert first.added == 2
    second = build(people, meeting)
    assert (second.added, second.refreshed, second.resolved) == (0, 0, 0)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    from accord.incidents import services as incidents

    incidents.update_incident(actor=people["analyst"], incident=major_incident, severity=1)
    third = build(people, meeting)
    assert (third.added, third.refreshed) == (0, 1)
    [item] = items(meeting, Source.INCIDENTS)
    assert figures(item)["Severity"] == "Severity 1: critical"


def test_a_matter_that_comes_back_is_reopened(people, meeting, major_incident):
    from accord.incidents import services as incidents

    build(people, meeting)
    incidents.update_incident(actor=people["analyst"], incident=major_incident, severity=4)
    assert build(people, meeting).resolved == 1
    incidents.update_incident(actor=people["analyst"], incident=major_incident, severity=2)
    report = build(people, meeting)
    [item] = items(meeting, Source.INCIDENTS)
    assert report.reopened == 1 and item.status == ItemStatus.OPEN and item.resolved_on is None


def test_items_added_by_hand(people, meeting, rejected_review):
    item = services.add_item(actor=people["cio"], meeting=meeting, title="Budget split for next year",
                             reason="Run against change", figures=[("Security budget", "EUR 2,400,000")])
    assert item.source == Source.MANUAL and item.added_by == people["cio"] and item.raised_on == clock.today()
    build(people, meeting)  # a rebuild never resolves what was added by hand
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    groups = selectors.grouped(list(selectors.items_of(people["steering"], meeting)))
    assert [g.source for g in groups] == [Source.REVIEWS, Source.MANUAL]


def test_bad_manual_items_are_refused_with_the_field_and_change_nothing(people, meeting):
    cases = [({"title": " "}, "title"), ({"title": "x", "figures": [("Cost", "")]}, "figures[0].value"),
             ({"title": "x", "url": "javascript:alert(1)"}, "url"),
             ({"title": "x", "raised_on": clock.today() + timedelta(days=1)}, "raised_on")]
    for fields, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.add_item(actor=people["ciso"], meeting=meeting, **fields)
        assert refused.value.problems[0].field == field
    assert not AgendaItem.objects.exists()
    with pytest.raises(NotAllowed):
        services.add_item(actor=people["steering"], meeting=meeting, title="x")


def test_the_agenda_of_a_held_meeting_is_closed(people, meeting, frozen):
    frozen.advance(days=8)
    services.record_minutes(actor=people["ciso"], meeting=meeting, minutes="Met.", attendees=[people["cio"]])
    with pytest.raises(ValidationFailed, match="was held"):
        build(people, meeting)


def test_members_hear_when_the_agenda_is_ready(people, meeting, rejected_review):
    from accord.notifications.models import Event, Notification

    with pytest.raises(ValidationFailed, match="build the agenda first"):
        services.announce_agenda(actor=people["ciso"], meeting=meeting)
    build(people, meeting)
    assert services.announce_agenda(actor=people["ciso"], meeting=meeting) == 3
    told = Notification.objects.filter(event=Event.STEERING_AGENDA)
    assert sorted(n.user.username for n in told) == ["cio", "ciso", "steering"]
    assert told.first().body == "1 item for the committee." and told.first().url == f"/steering/meetings/{meeting.pk}/"
