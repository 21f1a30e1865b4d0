"""The acceptances' share of the daily tick: expire what lapsed, mark stale what changed materially,
remind 30 and 7 days before expiry (once each), ask approval of migrated requests."""

from __future__ import annotations

from datetime import date

from accord.core.permissions import Actor
from accord.jobs.tick import step


@step("acceptances.review")
def review(actor: Actor, today: date) -> str:
    from accord.acceptances.services import review_acceptances

    done = review_acceptances(actor=actor, today=today)
    return (f"{done['expired']} expired, {done['stale']} newly stale, {done['reminded']} reminded, "
            f"{done['adopted']} migrated requests asked")
