"""The daily tick's KEV digest: one message a day while KEV findings are past due, never one per finding."""

from __future__ import annotations

from accord.core.permissions import Role
from accord.jobs.tick import run_tick
from accord.notifications.models import Notification


def test_one_digest_a_day_to_those_who_act_on_findings(findings, ciso, make_user):
    ops = make_user(Role.IT_OPERATIONS, username="ops")
    board = make_user(Role.BOARD_VIEWER, username="board")
    done = run_tick()
    assert done["vulns.kev_digest"] == "2 past due: digest to 2 inboxes"
    digest = Notification.objects.get(user=ops, event="kev.past_due")
    assert digest.title.startswith("2 KEV findings past due on ")
    assert "ERP: 1" in digest.body and "Website: 1" in digest.body
    assert digest.url == "/vulns/?kev=yes&sla=breached"
    assert Notification.objects.filter(user=ciso, event="kev.past_due").count() == 1
    assert not Notification.objects.filter(user=board).exists()

    again = run_tick()  # the same day: nothing more
    assert again["vulns.kev_digest"].startswith("already done today")
    assert Notification.objects.filter(event="kev.past_due").count() == 2


def test_no_digest_when_nothing_is_past_due(org_data, ciso):
    assert run_tick()["vulns.kev_digest"] == "no KEV finding past due: nothing sent"
    assert not Notification.objects.filter(event="kev.past_due").exists()
