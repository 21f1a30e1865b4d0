"""The daily tick: every app's once-a-day work (expiries, reminders, digests, lost jobs).

Apps register their steps in their `tasks` module. Each step takes the system actor and today's
date in the organisation's calendar and must be idempotent: running the tick twice in a day (the
schedule, then `accord tick` by hand) does nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from accord.core import clock
from accord.core.permissions import Actor

log = logging.getLogger(__name__)

Step = Callable[[Any, date], str]  # (actor, today) -> what it did, in a few words
STEPS: dict[str, Step] = {}
ONCE_A_DAY: set[str] = set()  # steps skipped when they already ran today (a digest is sent once)


def step(name: str, *, once_a_day: bool = False) -> Callable[[Step], Step]:
    def decorate(function: Step) -> Step:
        STEPS[name] = function
        if once_a_day:
            ONCE_A_DAY.add(name)
        return function

    return decorate


def run_tick(today: date | None = None) -> dict[str, str]:
    """Run every registered step; a step that fails is reported and does not stop the others."""
    from accord.accounts.services import system_actor
    from accord.jobs.queue import load_tasks

    load_tasks()
    actor = system_actor()
    today = today or clock.today()
    done: dict[str, str] = {}
    for name, function in sorted(STEPS.items()):
        done[name] = _run_step(name, function, actor, today)
    return done


def _run_step(name: str, function: Step, actor: Actor, today: date) -> str:
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from accord.jobs.models import TickStep

    earlier = TickStep.objects.filter(name=name, day=today).first()
    if name in ONCE_A_DAY and earlier is not None:
        return f"already done today ({earlier.result})"
    try:
        with transaction.atomic():
            result = function(actor, today)
            if name in ONCE_A_DAY:  # the unique (name, day) row makes a concurrent second run roll back
                TickStep.objects.create(name=name, day=today, result=result[:300], finished_at=timezone.now())
    except IntegrityError:
        return "already done today (by another tick)"
    except Exception as exc:  # one broken step must not stop the reminders of the others
        log.exception("tick step %s failed", name)
        return f"failed: {type(exc).__name__}: {exc}"
    return result
