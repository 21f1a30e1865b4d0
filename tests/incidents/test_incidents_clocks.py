"""Regulatory clocks start from the incident's flags and moments (through the clock engine), count
down, and a report marked as sent meets its deadline and starts the later ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.incidents import regulatory, selectors, services
from accord.incidents.models import EventKind


def keys(clocks):
    return [(c.regime, c.key) for c in clocks]


def test_the_flags_start_the_clocks_from_awareness(incident):
    clocks = selectors.clocks_of(incident)
    aware = incident.reported_at  # no separate awareness moment: the reported time
    assert keys(clocks) == [("nis2", "early_warning"), ("gdpr", "supervisory_authority"),
                            ("nis2", "incident_notification")]
    due = {c.key: c.due for c in clocks}
    assert due["early_warning"] == aware + timedelta(hours=24)
    assert due["supervisory_authority"] == aware + timedelta(hours=72)
    assert due["incident_notification"] == aware + timedelta(hours=72)
    early = clocks[0]
    assert early.basis == "Directive (EU) 2022/2555 (NIS2), Art. 23(4)(a)"
    assert early.counted_from == "24 hours after the organisation became aware of the incident or breach"
    assert early.state(aware + timedelta(hours=1)) == "running"
    assert early.left_text(aware + timedelta(hours=1)) == "23 h left"
    assert early.left_text(aware + timedelta(hours=25, minutes=5)) == "overdue by 1 h 5 min"


def test_no_flag_no_clock(incident, people):
    services.update_incident(actor=people["analyst"], incident=incident, personal_data=False, nis2_entity=False)
    assert selectors.clocks_of(incident) == []


def test_an_awareness_moment_moves_the_clocks(incident, people, now):
    services.update_incident(actor=people["analyst"], incident=incident, aware_at=now - timedelta(minutes=10))
    gdpr = next(c for c in selectors.clocks_of(incident) if c.regime == "gdpr")
    assert gdpr.due == now - timedelta(minutes=10) + timedelta(hours=72)


def test_reports_sent_meet_deadlines_and_start_the_final_report(incident, people, now):
    ciso = people["ciso"]
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="early_warning",
                                     at=now - timedelta(minutes=30), authority="CSIRT")
    clocks = {c.key: c for c in selectors.clocks_of(incident)}
    assert clocks["early_warning"].met_at == now - timedelta(minutes=30)
    assert clocks["early_warning"].state(now) == "met"
    assert "final_report" not in clocks  # counts from the incident notification, not sent yet
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="incident_notification",
                                     at=now - timedelta(minutes=5))
    final = {c.key: c for c in selectors.clocks_of(incident)}["final_report"]
    assert final.starts_from == "notified" and final.basis.endswith("Art. 23(4)(d)")
    events = incident.timeline.filter(kind=EventKind.REGULATOR)
    assert [e.data["deadline"] for e in events] == ["early_warning", "incident_notification"]


def test_the_final_report_is_one_month_after_the_notification(people, org_data):
    """A worked example: notified on 31 January at 09:00 UTC, the final report is due on 28 February."""
    ciso = people["ciso"]
    detected = datetime(2026, 1, 29, 22, 0, tzinfo=UTC)
    incident = services.open_incident(actor=ciso, title="Outage of the payment gateway", severity=2,
                                      detected_at=detected, reported_at=detected + timedelta(hours=1), nis2_entity=True)
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="early_warning",
                                     at=datetime(2026, 1, 30, 12, 0, tzinfo=UTC))
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="incident_notification",
                                     at=datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    clocks = {c.key: c for c in selectors.clocks_of(incident)}
    assert clocks["early_warning"].due == datetime(2026, 1, 30, 23, 0, tzinfo=UTC)
    assert clocks["early_warning"].state(datetime(2026, 2, 1, tzinfo=UTC)) == "met"
    assert clocks["incident_notification"].due == datetime(2026, 2, 1, 23, 0, tzinfo=UTC)
    assert clocks["final_report"].due == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    late = services.open_incident(actor=ciso, title="Late one", severity=3, detected_at=detected, personal_data=True,
                                  reported_at=detected)
    services.mark_regulator_notified(actor=ciso, incident=late, regime="gdpr", deadline="supervisory_authority",
                                     at=detected + timedelta(hours=80))
    gdpr = selectors.clocks_of(late)[0]
    assert gdpr.state(detected + timedelta(days=9)) == "late"
    assert gdpr.left_text(detected + timedelta(days=9)) == "met 8 h late"


def test_sec_needs_the_materiality_determination(incident, people, now):
    services.update_incident(actor=people["analyst"], incident=incident, material=True)
    assert "sec" not in {c.regime for c in selectors.clocks_of(incident)}
    assert any("SEC" in note for note in selectors.clocks_not_started(people["cio"], incident))
    determined = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday; Thanksgiving is the 26th
    services.update_incident(actor=people["analyst"], incident=incident, materiality_determined_at=determined,
                             detected_at=determined - timedelta(hours=1), began_at=None,
                             reported_at=determined - timedelta(minutes=30))
    sec = next(c for c in selectors.clocks_of(incident) if c.regime == "sec")
    # four US business days after the determination: Fri 27, Mon 30, Tue 1, Wed 2 December, 17:30 New York
    assert sec.due == datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    assert "Item 1.05" in sec.basis


def test_dora_from_classification_then_intermediate_and_final(incident, people, now):
    analyst, ciso = people["analyst"], people["ciso"]
    classified = now - timedelta(minutes=20)
    services.update_incident(actor=analyst, incident=incident, dora_major=True, dora_classified_at=classified)
    dora = [c for c in selectors.clocks_of(incident) if c.regime == "dora"]
    assert keys(dora) == [("dora", "initial_notification")]
    assert dora[0].due == classified + timedelta(hours=4)
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="dora", deadline="initial_notification",
                                     at=now - timedelta(minutes=10))
    dora = {c.key: c for c in selectors.clocks_of(incident) if c.regime == "dora"}
    assert dora["intermediate_report"].due == now - timedelta(minutes=10) + timedelta(hours=72)
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="dora", deadline="intermediate_report")
    dora = {c.key: c for c in selectors.clocks_of(incident) if c.regime == "dora"}
    assert set(dora) == {"initial_notification", "intermediate_report", "final_report"}


def test_the_organisation_s_regimes_decide_what_binds(incident, people):
    services.update_settings(actor=people["ciso"], regimes=["gdpr"])
    assert {c.regime for c in selectors.clocks_of(incident)} == {"gdpr"}
    assert any("NIS2" in n for n in selectors.clocks_not_started(people["cio"], incident))


def test_marking_a_report_is_checked(incident, people, now):
    ciso = people["ciso"]
    with pytest.raises(ValidationFailed, match="not flagged for DORA"):
        services.mark_regulator_notified(actor=ciso, incident=incident, regime="dora", deadline="initial_notification")
    with pytest.raises(ValidationFailed, match="early_warning"):
        services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="final")
    with pytest.raises(ValidationFailed, match="future"):
        services.mark_regulator_notified(actor=ciso, incident=incident, regime="gdpr",
                                         deadline="supervisory_authority", at=now + timedelta(hours=1))
    with pytest.raises(NotAllowed):
        services.mark_regulator_notified(actor=people["cio"], incident=incident, regime="gdpr",
                                         deadline="supervisory_authority")
    assert not incident.timeline.filter(kind=EventKind.REGULATOR).exists()


def test_every_report_that_starts_a_clock_is_in_the_engine_s_regimes():
    """The reports that give a later deadline its starting moment match the regime files, and every
    later moment a regime counts from is given by one of them."""
    from accord.engine.clocks import load_regimes

    regimes = load_regimes()
    for (regime, key), moment in regulatory.REPORT_STARTS.items():
        assert key in {rule.key for rule in regimes[regime].deadlines}, (regime, key)
        assert moment in regulatory.LATER_MOMENTS
    for regime in regimes.values():
        for rule in regime.deadlines:
            if rule.starts_from in regulatory.LATER_MOMENTS:
                assert (regime.key, rule.starts_from) in {(r, m) for (r, _), m in regulatory.REPORT_STARTS.items()}


def test_running_clocks_for_the_desk(incident, people, org_data, now):
    ciso = people["ciso"]
    quiet = services.open_incident(actor=ciso, title="Phishing", severity=3, detected_at=now)
    closed = services.open_incident(actor=ciso, title="Old leak", severity=2, detected_at=now - timedelta(days=1),
                                    personal_data=True)
    services.change_phase(actor=ciso, incident=closed, phase="closed")
    exercise = services.start_exercise(actor=ciso, scenario="vendor_breach")
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="early_warning")
    rows = selectors.running_clocks(people["cio"], now=now)
    assert {r.incident_id for r in rows} == {incident.pk}  # not the quiet, closed or exercise ones
    assert [r.clock.key for r in rows] == ["supervisory_authority", "incident_notification"]  # met one left out
    assert rows[0].clock.basis == "Regulation (EU) 2016/679 (GDPR), Art. 33(1)"
    assert rows[0].url == f"/incidents/{incident.pk}/#clocks" and rows[0].left.endswith("left")
    assert rows[0].label.startswith("GDPR personal data breach notification: ")
    with_exercises = selectors.running_clocks(people["cio"], include_exercises=True, now=now)
    assert {r.incident_id for r in with_exercises} == {incident.pk, exercise.pk}
    assert any(r.exercise for r in with_exercises)
    assert quiet.pk not in {r.incident_id for r in with_exercises}
    with pytest.raises(NotAllowed):
        selectors.running_clocks(people["board"])
