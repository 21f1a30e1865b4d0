"""The demo's incident room on a small organisation: an open severity 1 with running NIS2 and GDPR
clocks and updates, a closed incident with its review, an exercise."""

from __future__ import annotations

from accord.demo.accounts import DemoContext
from accord.demo.incidents import build_incidents
from accord.incidents import selectors
from accord.incidents.models import Incident


def test_the_demo_builder(org_data, admin, people, commander):
    context = DemoContext(admin=admin, users={"admin": admin, **people})
    summary = build_incidents(context)
    assert "open (severity 1" in summary and "closed with its review" in summary
    open_one = Incident.objects.get(severity=1, exercise=False)
    assert open_one.updates.count() == 2 and open_one.is_open
    running = selectors.running_clocks(people["cio"])
    assert {r.clock.regime for r in running} == {"gdpr", "nis2"}
    assert "early_warning" not in {r.clock.key for r in running}  # sent already
    closed = Incident.objects.get(phase="closed")
    assert closed.review.lessons.count() == 2 and closed.resolved_at is not None
    assert Incident.objects.filter(exercise=True).count() == 1
    times = selectors.response_times(people["cio"])
    assert times.incidents == 2 and times.exercises_excluded == 1
    assert not selectors.update_status(open_one).overdue
