"""The incident room's scheduled work: every five minutes, announce overdue executive updates and
near regulatory deadlines (each once); the daily tick does the same as a safety net when the periodic
task cannot run (no consumer with a scheduler)."""

from __future__ import annotations

from datetime import date

from huey import crontab

from accord.core.permissions import Actor
from accord.jobs.queue import huey, worker_connection
from accord.jobs.tick import step


def run_cadence_checks(actor: Actor | None = None) -> str:
    """Announce overdue updates and near deadlines now; idempotent (once per due moment or deadline)."""
    from accord.accounts.services import system_actor
    from accord.incidents.services import announce_near_deadlines, announce_overdue_updates

    actor = actor or system_actor()
    overdue = announce_overdue_updates(actor=actor)
    deadlines = announce_near_deadlines(actor=actor)
    return f"{overdue} overdue update(s) and {deadlines} near deadline(s) announced"


@huey.periodic_task(crontab(minute="*/5"))
def incident_cadence() -> None:
    """Every five minutes (a daily tick is far too slow for a one-hour first note)."""
    with worker_connection():
        run_cadence_checks()


@step("incidents.cadence")
def cadence_step(actor: Actor, today: date) -> str:
    return run_cadence_checks(actor)
