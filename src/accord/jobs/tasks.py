"""The Huey tasks behind jobs, and the daily tick."""

from __future__ import annotations

from datetime import date

from huey import crontab

from accord.core.permissions import Actor
from accord.jobs.queue import huey, worker_connection
from accord.jobs.tick import step


@huey.task()
def execute(job_id: int) -> None:
    from accord.jobs.services import run_job

    with worker_connection():
        run_job(job_id)


@huey.periodic_task(crontab(minute="15", hour="2"))
def daily_tick() -> None:
    """Every night at 02:15 (the worker's clock): SLA states, expiries, reminders, digests."""
    from accord.jobs.tick import run_tick

    with worker_connection():
        run_tick()


@step("jobs.lost")
def lost_jobs(actor: Actor, today: date) -> str:
    from accord.jobs.services import fail_lost_jobs

    return f"{fail_lost_jobs(actor=actor)} job(s) whose worker stopped marked failed"
