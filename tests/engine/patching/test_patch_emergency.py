"""Emergency changes for KEV / act jobs that no window can serve in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accord.engine.patching.emergency import latest_start, propose_emergencies
from accord.engine.patching.model import Asset, Freeze, Instance, Job, Window
from accord.engine.patching.planner import SolveOptions, solve

START = datetime(2026, 12, 1, tzinfo=UTC)


def _instance(*jobs: Job, freezes: tuple[Freeze, ...] = ()) -> Instance:
    windows = (
        Window("early", START + timedelta(days=2), 120.0, ("g",), max_changes=1),
        Window("late", START + timedelta(days=20), 120.0, ("g",)),
    )
    assets = (Asset("a", "g", 30.0, 6000.0), Asset("b", "g", 30.0, 6000.0))
    return Instance(START, 30.0, windows, assets, jobs, freezes=freezes)


def _plan(instance: Instance) -> dict[str, str | None]:
    return dict(solve(instance, None, SolveOptions(time_limit=10)).assignment)


def test_kev_job_beyond_capacity_is_proposed_with_its_cost() -> None:
    due = START + timedelta(days=5)
    instance = _instance(
        Job("kev", "a", 20.0, True, 50.0, due=due, kev=True),
        Job("act", "b", 20.0, True, 500.0, due=due, decision="act"),
        Job("plain", "b", 20.0, False, 1.0, due=due),  # breaches too, but is neither KEV nor act
    )
    assignment = _plan(instance)
    assert assignment["act"] == "early"  # the riskier one gets the only early slot
    proposals = propose_emergencies(instance, assignment)
    assert [p.job for p in proposals] == ["kev"]
    change = proposals[0]
    assert change.downtime_cost == pytest.approx(30 / 60 * 6000)
    assert change.work_minutes == 50.0
    assert change.change_by == due
    assert latest_start(change) == due - timedelta(minutes=50)
    # planned in "late" (day 20) instead of by day 5: 15 days of 50 avoided
    assert assignment["kev"] == "late"
    assert change.exposure_avoided == pytest.approx(15 * 50.0)
    assert "full" in change.reason and "planned later" in change.reason


def test_reasons_name_freeze_and_overdue() -> None:
    frozen = (Freeze(START, START + timedelta(days=4)),)
    due = START + timedelta(days=5)
    instance = _instance(
        Job("frozen", "a", 20.0, True, 50.0, due=due, kev=True),
        Job("overdue", "b", 20.0, False, 10.0, due=START - timedelta(days=1), decision="act"),
        freezes=frozen,
    )
    reasons = {p.job: p.reason for p in propose_emergencies(instance, _plan(instance))}
    assert "freeze" in reasons["frozen"]
    assert "overdue" in reasons["overdue"]


def test_on_time_jobs_need_no_emergency() -> None:
    instance = _instance(Job("kev", "a", 20.0, True, 50.0, due=START + timedelta(days=10), kev=True))
    assert propose_emergencies(instance, _plan(instance)) == []
