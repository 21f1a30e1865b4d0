"""The executive update cadence: first note within an hour of a severity 1, then every four hours;
an overdue update is announced once (per due moment), by a task every five minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.accounts.services import system_actor
from accord.incidents import selectors, services
from accord.incidents.models import EventKind, Incident
from accord.notifications.models import Event, Notification


def overdue_notices(user=None):
    rows = Notification.objects.filter(event=Event.INCIDENT_UPDATE_OVERDUE)
    return rows.filter(user=user) if user is not None else rows


def test_the_first_note_is_due_an_hour_after_a_severity_1(incident):
    status = selectors.update_status(incident, now=incident.reported_at + timedelta(minutes=59))
    assert status.due == incident.reported_at + timedelta(hours=1) and not status.overdue
    assert selectors.update_status(incident, now=incident.reported_at + timedelta(hours=1)).overdue


def test_an_overdue_update_is_announced_exactly_once(incident, people, commander, now):
    system = system_actor()
    # 90 minutes after a severity 1 was declared, without any update: overdue
    assert services.announce_overdue_updates(actor=system, now=now) == 1
    assert services.announce_overdue_updates(actor=system, now=now + timedelta(minutes=5)) == 0
    assert services.announce_overdue_updates(actor=system, now=now + timedelta(minutes=10)) == 0
    # to the CISO (who is also the commander), and to the analyst who opened it: one message each
    assert sorted(overdue_notices().values_list("user__username", flat=True)) == ["analyst", "ciso"]
    assert overdue_notices(people["cio"]).count() == 0
    notice = overdue_notices(people["ciso"]).get()
    assert notice.url == f"/incidents/{incident.pk}/update/" and "overdue" in notice.title
    assert incident.timeline.filter(kind=EventKind.NOTIFICATION).count() == 1


def test_a_later_update_that_is_late_again_is_announced_again(incident, people, now):
    system = system_actor()
    services.announce_overdue_updates(actor=system, now=now)
    update = services.write_update(actor=people["analyst"], incident=incident, bottom_line="Contained.",
                                   next_update_at=now + timedelta(hours=2))
    assert services.announce_overdue_updates(actor=system, now=now + timedelta(hours=1)) == 0  # not due yet
    later = update.next_update_at + timedelta(minutes=1)
    assert services.announce_overdue_updates(actor=system, now=later) == 1
    assert services.announce_overdue_updates(actor=system, now=later + timedelta(minutes=5)) == 0
    assert overdue_notices(people["analyst"]).count() == 2


def test_the_periodic_task_notifies_once(incident, people):
    from accord.incidents.tasks import incident_cadence, run_cadence_checks

    incident_cadence()  # queued and run at once (tests run Huey in immediate mode)
    incident_cadence()
    assert overdue_notices(people["analyst"]).count() == 1
    assert "0 overdue update(s)" in run_cadence_checks()


def test_the_daily_tick_runs_the_same_check(incident, people):
    from accord.jobs.tick import run_tick

    done = run_tick()
    assert done["incidents.cadence"].startswith("1 overdue update(s)")
    assert overdue_notices(people["analyst"]).count() == 1


def test_closed_incidents_and_no_cadence_are_never_overdue(people, org_data, now):
    ciso = people["ciso"]
    minor = services.open_incident(actor=ciso, title="Lost laptop", severity=4, detected_at=now - timedelta(days=3),
                                   reported_at=now - timedelta(days=3))
    assert selectors.update_status(minor).due is None
    closed = services.open_incident(actor=ciso, title="Spam wave", severity=2, detected_at=now - timedelta(days=2),
                                    reported_at=now - timedelta(days=2))
    services.change_phase(actor=ciso, incident=closed, phase="closed")
    assert selectors.update_status(closed).due is None
    assert services.announce_overdue_updates(actor=system_actor(), now=now) == 0


def test_raising_the_severity_restarts_the_first_note_clock(people, org_data, now):
    ciso = people["ciso"]
    incident = services.open_incident(actor=ciso, title="Odd logins", severity=3, detected_at=now)
    services.write_update(actor=ciso, incident=incident, bottom_line="Watching.",
                          next_update_at=now + timedelta(hours=20))
    services.update_incident(actor=ciso, incident=incident, severity=1)
    incident = Incident.objects.get(pk=incident.pk)
    status = selectors.update_status(incident, now=incident.severity_set_at)
    assert status.due == incident.severity_set_at + timedelta(hours=1)


def test_the_cadence_is_configurable(incident, people, now):
    services.update_settings(actor=people["ciso"], sev1_first_minutes=120, sev1_every_minutes=60)
    assert selectors.update_status(incident).due == incident.severity_set_at + timedelta(hours=2)
    from accord.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="both"):
        services.update_settings(actor=people["ciso"], sev2_first_minutes=0)
    with pytest.raises(ValidationFailed, match="regimes"):
        services.update_settings(actor=people["ciso"], regimes=["hipaa"])


def test_a_near_regulatory_deadline_is_announced_once(incident, people, now):
    system = system_actor()
    assert services.announce_near_deadlines(actor=system, now=now) == 0  # 22 h left, notice at 12 h
    soon = incident.reported_at + timedelta(hours=13)
    assert services.announce_near_deadlines(actor=system, now=soon) == 1  # the NIS2 early warning
    assert services.announce_near_deadlines(actor=system, now=soon + timedelta(minutes=5)) == 0
    notices = Notification.objects.filter(event=Event.INCIDENT_DEADLINE, user=people["cio"])
    assert notices.count() == 1 and "Art. 23(4)(a)" in notices.get().body
