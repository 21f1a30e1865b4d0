"""Remediation SLA due dates (the decision's days, the KEV clock, BOD 22-01 when bound) and status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.engine.vulns.errors import InvalidInput
from accord.engine.vulns.sla import DueRule, SlaPolicy, SlaStatus, due_date, met_sla, sla_status
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
    assert result.due == due and result.rule == DueRule.DECISION


FOUND = date(2026, 10, 25)  # first seen
LISTED_LONG_AGO = date(2021, 3, 2)  # in the KEV catalogue since
CISA_DUE = date(2021, 3, 23)  # the catalogue's BOD 22-01 due date, years before the finding was seen


def test_a_kev_due_date_years_before_first_seen_does_not_bind_unless_bound_by_bod_22_01() -> None:
    result = due_date(Decision.ATTEND, FOUND, kev_added=LISTED_LONG_AGO, kev_due=CISA_DUE)
    assert result.due == date(2026, 11, 8)  # 14 KEV days from first seen, not 2021-03-23
    assert result.rule == DueRule.KEV
    assert sla_status(result.due, date(2026, 11, 1)) != SlaStatus.BREACHED
    bound = SlaPolicy(bound_by_bod_22_01=True)
    federal = due_date(Decision.ATTEND, FOUND, kev_added=LISTED_LONG_AGO, kev_due=CISA_DUE, policy=bound)
    assert (federal.due, federal.rule) == (CISA_DUE, DueRule.BOD_22_01)
    assert "BOD 22-01" in federal.reason and "2021-03-23" in federal.reason
    later = due_date(Decision.ACT, FOUND, kev_added=LISTED_LONG_AGO, kev_due=date(2027, 1, 1), policy=bound)
    assert (later.due, later.rule) == (date(2026, 11, 1), DueRule.DECISION)  # the earliest rule wins


def test_kev_days_count_from_the_later_of_first_seen_and_the_kev_listing() -> None:
    seen_before_listing = due_date(Decision.TRACK, date(2026, 10, 1), kev_added=date(2026, 10, 20))
    assert (seen_before_listing.due, seen_before_listing.rule) == (date(2026, 11, 3), DueRule.KEV)
    assert "2026-10-20" in seen_before_listing.reason and "14 days" in seen_before_listing.reason
    listed_before_seen = due_date(Decision.TRACK, FOUND, kev_added=LISTED_LONG_AGO)
    assert listed_before_seen.due == FOUND + timedelta(days=14)
    # The decision's clock restarted when it escalated (2026-10-22); the KEV clock still counts from first seen.
    escalated = due_date(Decision.ATTEND, date(2026, 10, 22), first_seen=date(2026, 10, 1),
                         kev_added=date(2026, 10, 5))
    assert (escalated.due, escalated.rule) == (date(2026, 10, 19), DueRule.KEV)
    quicker = due_date(Decision.ACT, FOUND, kev_added=LISTED_LONG_AGO)  # act's 7 days are sooner than 14
    assert (quicker.due, quicker.rule) == (date(2026, 11, 1), DueRule.DECISION)
    custom = due_date(Decision.TRACK, FOUND, kev_added=LISTED_LONG_AGO, policy=SlaPolicy(kev_days=3))
    assert custom.due == date(2026, 10, 28)
    assert due_date(Decision.TRACK, FOUND, kev_due=CISA_DUE).rule == DueRule.DECISION  # not listed: no KEV clock


def test_an_escalation_never_gives_more_time_than_was_left() -> None:
    kept = due_date(Decision.ACT, date(2026, 10, 30), not_after=date(2026, 11, 2))
    assert (kept.due, kept.rule) == (date(2026, 11, 2), DueRule.KEPT)
    assert "2026-11-02" in kept.reason
    sooner = due_date(Decision.ACT, date(2026, 10, 30), not_after=date(2026, 12, 1))
    assert (sooner.due, sooner.rule) == (date(2026, 11, 6), DueRule.DECISION)


def test_the_reason_names_the_rule_that_set_the_date() -> None:
    plain = due_date(Decision.ATTEND, FOUND)
    assert plain.rule == DueRule.DECISION and plain.reason.startswith("attend: 30 days from 2026-10-25")


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


@pytest.mark.parametrize(
    ("changes", "path"),
    [({"kev_days": -1}, "kev_days"), ({"kev_days": 1.5}, "kev_days"), ({"bound_by_bod_22_01": "yes"}, "bound_by_bod_22_01")],
)
def test_kev_settings_are_validated(changes: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        SlaPolicy(**changes)  # type: ignore[arg-type]
    assert caught.value.path == path


def test_unknown_decision() -> None:
    with pytest.raises(InvalidInput, match="decision"):
        due_date("urgent", OPENED)
