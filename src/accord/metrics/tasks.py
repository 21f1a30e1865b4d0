"""The scorecard's scheduled work: the monthly snapshot, taken by the daily tick on the first day of
a month it runs (idempotent: later days of the month find the month's snapshot and do nothing)."""

from __future__ import annotations

from datetime import date

from accord.core.permissions import Actor
from accord.jobs.tick import step


@step("metrics.snapshot")
def monthly_snapshot(actor: Actor, today: date) -> str:
    from accord.metrics.services import take_monthly_snapshot

    snapshot = take_monthly_snapshot(actor=actor, today=today)
    if snapshot is None:
        return f"{today:%Y-%m} has its snapshot already"
    return f"snapshot of {today:%Y-%m} taken"
