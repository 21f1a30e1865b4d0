"""Which service function runs each kind of job. Apps register their long work here (in their
`tasks` module), so the jobs app never imports another app's services directly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accord.core.permissions import Actor

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class JobRun:
    """What a handler gets: who asked, with which arguments, its job's id and a progress reporter."""

    actor: Actor
    args: dict[str, Any]
    job_id: int
    progress: Progress


# handler(run) -> result: a JSON-able dict (ids, counts, a url to show)
Handler = Callable[[JobRun], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    handler: Handler
    capability: str  # what the actor must hold to start (and retry) it


KINDS: dict[str, JobKind] = {}


def register(name: str, label: str, capability: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        KINDS[name] = JobKind(name, label, handler, capability)
        return handler

    return decorate
