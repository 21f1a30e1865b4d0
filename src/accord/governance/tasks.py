"""Governance's share of the daily tick: lapse expired sign-offs, announce those about to lapse."""

from __future__ import annotations

from datetime import date

from accord.core.permissions import Actor
from accord.jobs.tick import step


@step("governance.expiries")
def expiries(actor: Actor, today: date) -> str:
    from accord.governance.services import expire_lapsed, remind_expiring

    expired = expire_lapsed(actor=actor, today=today)
    announced = remind_expiring(actor=actor, today=today)
    return f"{expired} expired, {announced} announced as expiring within a week"
