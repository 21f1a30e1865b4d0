"""The reviews area's share of the daily tick: reviews past their SLA are announced once (and from
then on sit on the steering committee's queue, `selectors.escalations`)."""

from __future__ import annotations

from datetime import date

from accord.core.permissions import Actor
from accord.jobs.tick import step


@step("reviews.overdue")
def overdue(actor: Actor, today: date) -> str:
    from accord.reviews.services import announce_overdue

    told = announce_overdue(actor=actor)
    return f"{told} review{'s' if told != 1 else ''} newly past their SLA announced"
