"""Remediation SLA due dates (with the KEV cap) and status."""

from __future__ import annotations

from datetime import date

import pytest

from accord.engine.vulns.errors import InvalidInput
from accord.engine.vulns.sla import SlaPolicy, SlaStatus, due_date, met_sla, sla_status
from accord.engine.vulns.ssvc import Decision

OPENED = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("decision", "due"),
    [
        ("act", date(2025, 3, 8)),
        ("attend", date(2025, 3, 31)),
        ("track*", date(2025, 5, 30)),
        ("track", date(2025, 8, 28)),
    ],
)
def test_default_days(decision: str, due: date) -> None:
    result = due_date(decision, OPENED)
    assert result.due == due and not result.capped_by_kev


def test_kev_due_date_caps_the_policy() -> None:
    capped = due_date(Decision.ATTEND, OPENED, kev_due=date(2025, 3, 15))
    assert capped.due == date(2025, 3, 15) and capped.capped_by_kev
    assert "KEV due date 2025-03-15" in capped.reason
    later = due_date(Decision.ACT, OPENED, kev_due=date(2025, 4, 1))
    assert later.due == date(2025, 3, 8) and not later.capped_by_kev
    past = due_date(Decision.TRACK, OPENED, kev_due=date(2024, 7, 3))  # already overdue when found
    assert past.due == date(2024, 7, 3)
    assert sla_status(past.due, OPENED) == SlaStatus.BREACHED


def test_custom_policy() -> None:
    policy = SlaPolicy(
        days={Decision.ACT: 2, Decision.ATTEND: 14, Decision.TRACK_STAR: 60, Decision.TRACK: 120}
    )
    assert due_date("act", OPENED, policy=policy).due == date(2025, 3, 3)


def test_status_boundaries() -> None:
    due = date(2025, 3, 31)
    policy = SlaPolicy(due_soon_days=7)
    assert sla_status(due, date(2025, 3, 23), policy=policy) == SlaStatus.ON_TRACK
    assert sla_status(due, date(2025, 3, 24), policy=policy) == SlaStatus.DUE_SOON
    assert sla_status(due, due, policy=policy) == SlaStatus.DUE_SOON
    assert sla_status(due, date(2025, 4, 1), policy=policy) == SlaStatus.BREACHED
    assert met_sla(due, due) and not met_sla(due, date(2025, 4, 1))


@pytest.mark.parametrize(
    ("days", "path"),
    [
        ({Decision.ACT: 7, Decision.ATTEND: 30, Decision.TRACK_STAR: 90}, "days"),
        ({Decision.ACT: -1, Decision.ATTEND: 30, Decision.TRACK_STAR: 90, Decision.TRACK: 180}, "days.act"),
        ({Decision.ACT: 40, Decision.ATTEND: 30, Decision.TRACK_STAR: 90, Decision.TRACK: 180}, "days.act"),
        ({Decision.ACT: 7, Decision.ATTEND: 30, Decision.TRACK_STAR: 90, Decision.TRACK: 7.5}, "days.track"),
    ],
)
def test_policy_is_validated(days: dict[Decision, int], path: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        SlaPolicy(days=days)
    assert caught.value.path == path


def test_unknown_decision() -> None:
    with pytest.raises(InvalidInput, match="decision"):
        due_date("urgent", OPENED)
