"""Per-user limits on the API, and a cache for the expensive reads.

Every authenticated API call counts against the user's ACCORD_API_RATE_LIMIT calls per minute; an
operation that computes for seconds (a frontier, an optimisation, a simulation, a plan, a board
pack) also counts against ACCORD_API_EXPENSIVE_RATE_LIMIT. Over a limit the API answers 429 with
Retry-After (seconds until the minute that counts ends) and a JSON body.

The counters are fixed one-minute windows kept in the cache with `add` + `incr`, which are atomic
in both cache backends Accord uses (the process's memory and Redis), so parallel requests cannot
slip past a limit. In the process's memory each server process counts on its own: with several
worker processes, production sets ACCORD_REDIS_URL so that they share one count (docs/deployment.md).

Expensive reads are cached until the next audited write (accord.core.write_cache) under what the
answer depends on: the operation's path and query, the caller's capabilities (what they may see)
and the day. Whoever asks again with the same inputs, a board member or the CISO, gets the stored
answer at once and uses none of their expensive budget; only a computation that really starts counts.
A read-only role can therefore reread every figure the leaders computed, but cannot queue more than
its strict limit of new computations a minute ahead of everyone else's requests.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from accord.core.permissions import Actor
from accord.core.write_cache import cached_until_next_write

T = TypeVar("T")
WINDOW_SECONDS = 60


class RateLimited(Exception):
    """The user has used up a limit; `retry_after` seconds until the window that counts ends."""

    def __init__(self, *, scope: str, limit: int, retry_after: int) -> None:
        self.scope, self.limit, self.retry_after = scope, limit, retry_after
        what = "expensive computations" if scope == "expensive" else "API requests"
        super().__init__(f"rate limit reached: {limit} {what} a minute per user; retry in {retry_after} s")


def consume(actor: Actor, *, scope: str, limit: int) -> None:
    """Count one use of `scope` by `actor` in this minute; RateLimited over `limit` (0: no limit)."""
    if limit <= 0:
        return
    now = time.time()
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    key = f"accord:rate:{scope}:{actor.pk}:{window_start}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this call opens a fresh count
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        used = 1
    if used > limit:
        raise RateLimited(scope=scope, limit=limit,
                          retry_after=max(1, math.ceil(window_start + WINDOW_SECONDS - now)))


def count_api_request(actor: Actor) -> None:
    consume(actor, scope="api", limit=settings.ACCORD_API_RATE_LIMIT)


def count_expensive(actor: Actor) -> None:
    """For an expensive operation whose answer cannot be reused (it writes, or starts a job)."""
    consume(actor, scope="expensive", limit=settings.ACCORD_API_EXPENSIVE_RATE_LIMIT)


def expensive_read(request: HttpRequest, actor: Actor, compute: Callable[[], T]) -> T:
    """`compute()`'s answer for this request's path and query, from the cache when anyone with the same
    capabilities asked the same since the last write; a computation that starts counts as expensive."""
    inputs = "|".join([request.path, request.META.get("QUERY_STRING", ""), ",".join(sorted(actor.capabilities)),
                       timezone.localdate().isoformat()])
    digest = hashlib.sha256(inputs.encode()).hexdigest()

    def counted() -> T:
        count_expensive(actor)
        return compute()

    return cached_until_next_write("expensive-read", counted, also_key=digest)
