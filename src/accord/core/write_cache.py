"""Cache a computed read until the next write.

Every write in Accord appends an audit row and so moves the audit chain head; a value cached under
the head's hash is therefore exact until something changes, with no time-based staleness (the
hash, not the sequence number: a restored database can reach the same number with other content). Used for aggregates that are costly over large tables (e.g. counts over a million
findings) and shown on every page load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from accord.core.models import AuditChainHead

T = TypeVar("T")


def cached_until_next_write(name: str, compute: Callable[[], T], *, also_key: str = "") -> T:
    """`compute()`, cached until the next audited write. `also_key` adds what else the value depends on
    (e.g. today's date, for counts of overdue items)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first() or ""
    key = f"accord:{name}:{head}:{also_key}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=24 * 3600)
    return value
