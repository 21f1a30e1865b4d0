"""The Huey tasks behind jobs, and the daily tick."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import close_old_connections
from huey import crontab

from accord.jobs.queue import huey
from accord.jobs.tick import step


@huey.task()
def execute(job_id: int) -> None:
    from accord.jobs.services import run_job

    close_old_connections()  # a worker thread may hold a connection the database has closed
    try:
        run_job(job_id)
    finally:
        close_old_connections()


@huey.periodic_task(crontab(minute="15", hour="2"))
def daily_tick() -> None:
    """Every night at 02:15 (the worker's clock): SLA states, expiries, reminders, digests."""
    from accord.jobs.tick import run_tick

    close_old_connections()
    try:
        run_tick()
    finally:
        close_old_connections()


@step("jobs.lost")
def lost_jobs(actor: Any, today: date) -> str:
    from accord.jobs.services import fail_lost_jobs

    return f"{fail_lost_jobs(actor=actor)} job(s) whose worker stopped marked failed"
