"""Findings on one asset fixed by the same action become one job."""

from __future__ import annotations

from datetime import UTC, datetime

from accord.engine.patching.jobs import Finding, group_findings

D1 = datetime(2026, 12, 10, tzinfo=UTC)
D2 = datetime(2026, 12, 20, tzinfo=UTC)


def test_same_asset_same_action_is_one_job() -> None:
    findings = [
        Finding("f1", "srv-1", "kb500", 20.0, False, 10.0, due=D2, decision="track*"),
        Finding("f2", "srv-1", "kb500", 35.0, True, 5.5, due=D1, kev=True, decision="attend"),
        Finding("f3", "srv-1", "openssl", 10.0, False, 1.0),
        Finding("f4", "srv-2", "kb500", 20.0, False, 2.0, decision="act"),
    ]
    grouped = group_findings(findings)
    assert [g.job.id for g in grouped] == ["srv-1/kb500", "srv-1/openssl", "srv-2/kb500"]
    first = grouped[0]
    assert first.findings == ("f1", "f2")
    assert first.job.minutes == 35.0  # the action runs once: the longest, not the sum
    assert first.job.reboot is True
    assert first.job.risk_per_day == 15.5
    assert first.job.due == D1
    assert first.job.kev is True
    assert first.job.decision == "attend"
    assert grouped[1].job.due is None and grouped[1].job.decision is None
    assert grouped[2].job.decision == "act" and grouped[2].findings == ("f4",)


def test_no_findings_no_jobs() -> None:
    assert group_findings([]) == []
