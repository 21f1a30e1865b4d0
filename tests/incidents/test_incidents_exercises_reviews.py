"""Tabletop exercises from built-in scenarios, and the post-incident review with its lessons and
actions tracked to closure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.core.clock import today
from accord.core.errors import NotFound, ValidationFailed
from accord.incidents import briefing as briefings
from accord.incidents import selectors, services
from accord.incidents.models import ActionStatus, EventKind
from accord.notifications.models import Event, Notification


@pytest.mark.parametrize("scenario", ["ransomware", "vendor_breach", "cloud_credentials"])
def test_every_built_in_scenario_starts_an_exercise_with_its_first_update(scenario, people, org_data, euro):
    exercise = services.start_exercise(actor=people["analyst"], scenario=scenario)
    assert exercise.exercise and exercise.scenario == scenario
    assert str(exercise).startswith("EXERCISE: INC-")
    update = exercise.updates.get()
    assert update.bottom_line and update.facts.exists() and update.judgements.exists() and update.unknowns
    assert update.total_cost() is not None and update.currency == "EUR"
    assert exercise.timeline.filter(kind=EventKind.NOTE, text__startswith="Injects").exists()
    b = selectors.briefing(people["cio"], exercise)
    assert b.marking == briefings.EXERCISE_MARKING


def test_the_ransomware_scenario_hits_the_most_critical_service(people, org_data, euro):
    exercise = services.start_exercise(actor=people["analyst"], scenario="ransomware")
    assert [s.name for s in exercise.services.all()] == ["ERP"]  # tier 1, the costliest hour
    assert exercise.severity == 1 and exercise.personal_data and exercise.nis2_entity
    assert exercise.updates.get().downtime_cost() == (24 * 40_000.0, 72 * 40_000.0)


def test_an_exercise_alarms_no_one_about_its_opening(people, org_data):
    services.start_exercise(actor=people["analyst"], scenario="ransomware")
    assert not Notification.objects.filter(event=Event.INCIDENT_OPENED).exists()
    update_notices = Notification.objects.filter(event=Event.INCIDENT_UPDATE)
    assert update_notices.exists() and all(n.title.startswith("Update #1: EXERCISE: ") for n in update_notices)


def test_a_real_severity_1_is_announced_to_the_leaders(incident, people):
    opened = Notification.objects.filter(event=Event.INCIDENT_OPENED)
    assert sorted(opened.values_list("user__username", flat=True)) == ["cio", "ciso"]


def test_an_unknown_scenario(people, db):
    with pytest.raises(NotFound):
        services.start_exercise(actor=people["analyst"], scenario="meteor")


def test_the_review_follows_recovery(incident, people):
    ciso = people["ciso"]
    with pytest.raises(ValidationFailed, match="follows recovery"):
        services.save_review(actor=ciso, incident=incident, held_on=today(), summary="Too early.")
    services.change_phase(actor=ciso, incident=incident, phase="closed")
    review = services.save_review(actor=ciso, incident=incident, held_on=today(), summary="Phishing, then RDP.",
                                  root_cause="No MFA on the VPN.")
    revised = services.save_review(actor=ciso, incident=incident, held_on=today(),
                                   summary="Phishing, then the VPN.", root_cause="No MFA on the VPN.")
    assert revised.pk == review.pk and revised.summary == "Phishing, then the VPN."
    assert incident.timeline.filter(kind=EventKind.REVIEW).count() == 1


def test_lessons_have_actions_tracked_to_closure(incident, people, commander, now):
    ciso = people["ciso"]
    services.change_phase(actor=ciso, incident=incident, phase="recover")
    review = services.save_review(actor=ciso, incident=incident, held_on=today(), summary="s")
    lesson = services.add_lesson(actor=ciso, review=review, text="MFA everywhere.", actions=[
        {"text": "MFA on the VPN", "owner": commander, "due": now + timedelta(days=14)},
        {"text": "MFA on the mail gateway", "owner": None, "due": None}])
    first, second = lesson.actions.order_by("id")
    assert first.owner == commander and first.from_review
    services.close_action(actor=ciso, action=first)
    with pytest.raises(ValidationFailed, match="required"):
        services.close_action(actor=ciso, action=second, status=ActionStatus.DROPPED)
    services.close_action(actor=ciso, action=second, status=ActionStatus.DROPPED, note="gateway retired")
    with pytest.raises(ValidationFailed, match="already"):
        services.close_action(actor=ciso, action=first)
    statuses = {a.text: a.status for a in selectors.actions_of(people["cio"], incident)}
    assert statuses == {"MFA on the VPN": "done", "MFA on the mail gateway": "dropped"}
    assert incident.timeline.filter(kind=EventKind.ACTION).count() == 2


def test_a_decision_goes_on_the_decision_log(incident, people):
    from accord.governance.models import Decision

    event = services.record_incident_decision(actor=people["ciso"], incident=incident,
                                              question="Pay the ransom?", outcome="No.", rationale="Policy.")
    decision = Decision.objects.get(pk=event.data["decision"])
    assert decision.subject_type == "incidents.incident" and decision.subject_id == str(incident.pk)
    assert event.kind == EventKind.DECISION and "Pay the ransom?" in event.text
