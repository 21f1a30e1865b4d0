"""The vendor register's share of the daily tick: owners are reminded once of each review coming due."""

from __future__ import annotations

from datetime import date

from accord.core.permissions import Actor
from accord.jobs.tick import step


@step("vendors.reviews_due")
def reviews_due(actor: Actor, today: date) -> str:
    from accord.vendors.services import remind_reviews_due

    told = remind_reviews_due(actor=actor, today=today)
    return f"{told} vendor review{'s' if told != 1 else ''} due or overdue announced"
