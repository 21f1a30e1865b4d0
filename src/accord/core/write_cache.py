"""Cache a computed read until the next write.

Every write in Accord appends an audit row and so moves the audit chain head; a value cached under
the head's hash is therefore exact until something changes, with no time-based staleness (the
hash, not the sequence number: a restored database can reach the same number with other content).
Used for aggregates that are costly over large tables (e.g. counts over a million findings) and
shown on every page load.

A page that must answer at once whatever was just written (the desk) may take the value computed
before the latest write (`allow_stale=True`): it is returned at once and recomputed on a thread of
this process, and `served_stale()` tells the page to say "as of" when. With jobs in immediate mode
(tests) nothing is ever stale: the value is computed before it is returned.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accord.core.models import AuditChainHead

T = TypeVar("T")
log = logging.getLogger(__name__)
TIMEOUT = 24 * 3600
_stale_since: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("stale_since", default=None)


def data_version() -> str:
    """What moves with every audited write: the audit chain head's hash."""
    return AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first() or ""


def cached_until_next_write(name: str, compute: Callable[[], T], *, also_key: str = "",
                            allow_stale: bool = False) -> T:
    """`compute()`, cached until the next audited write. `also_key` adds what else the value depends on
    (e.g. today's date, for counts of overdue items)."""
    head = data_version()
    key, latest_key = f"accord:{name}:{head}:{also_key}", f"accord:{name}:latest:{also_key}"
    value = cache.get(key)
    if value is not None:
        return value
    if allow_stale and not settings.JOBS["immediate"]:
        latest = cache.get(latest_key)
        if latest is not None:
            computed_at, stale_value = latest
            _refresh_in_background(key, latest_key, compute)
            earliest = _stale_since.get()
            _stale_since.set(computed_at if earliest is None else min(earliest, computed_at))
            return stale_value
    return _store(key, latest_key, compute())


def _store(key: str, latest_key: str, value: T) -> T:
    cache.set(key, value, timeout=TIMEOUT)
    cache.set(latest_key, (timezone.now(), value), timeout=TIMEOUT)
    return value


def _refresh_in_background(key: str, latest_key: str, compute: Callable[[], object]) -> None:
    if not cache.add(f"{key}:refreshing", True, timeout=120):
        return  # another request is computing it

    def refresh() -> None:
        try:
            _store(key, latest_key, compute())
        except Exception:  # the next view computes it again; the page already answered
            log.exception("refreshing %s failed", key)
        finally:
            cache.delete(f"{key}:refreshing")
            connection.close()

    threading.Thread(target=refresh, name="accord-refresh", daemon=True).start()


def served_stale() -> dt.datetime | None:
    """When the oldest figure this request was given from before the latest write was computed."""
    return _stale_since.get()


def reset_staleness() -> None:
    _stale_since.set(None)
