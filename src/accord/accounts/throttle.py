"""The sign-in throttle: growing delays per (username, address) pair, counted under a row lock.

A lock per username lets anyone lock the administrator out by typing a wrong password five times,
and a lock per address locks out everyone behind one proxy. So failures are counted per pair: the
first few cost nothing, then each further attempt from that pair must wait 2, 4, 8 … seconds (at
most ACCORD_LOGIN_MAX_DELAY_SECONDS). The right user at another address is never slowed down.

Guessing one password against many usernames from one address (spraying) is held by a wide ceiling
per address, which only slows pairs that have never signed in successfully: a colleague behind the
same proxy who has signed in from there before is not held back (docs/sign-in.md).

An attempt is counted before its password is checked, in a transaction that holds the pair's row
(SELECT … FOR UPDATE on PostgreSQL, the write lock of an IMMEDIATE transaction on SQLite); a right
password then takes the count back. So parallel attempts are counted one after the other and a
burst gets no more password checks than the throttle allows.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from accord.accounts.models import LoginThrottle
from accord.core.errors import AccordError

# The ceiling per address counts the failures of pairs whose last failure is this recent.
ADDRESS_WINDOW = dt.timedelta(hours=1)


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


class LoginThrottled(AccordError):
    """Refused before the password was checked; `retry_after` says when the pair may try again."""

    def __init__(self, retry_after: int, *, from_network: bool = False) -> None:
        self.retry_after = max(1, retry_after)
        whose = "from your network" if from_network else "for this account"
        super().__init__(f"Too many failed sign-ins {whose}. Try again in {_in_words(self.retry_after)}.")


def delay_after(failures: int) -> int:
    """Seconds a pair waits after `failures` failures in a row: none for the first
    ACCORD_LOGIN_FREE_FAILURES, then 2, 4, 8 … up to ACCORD_LOGIN_MAX_DELAY_SECONDS."""
    free, cap = settings.ACCORD_LOGIN_FREE_FAILURES, settings.ACCORD_LOGIN_MAX_DELAY_SECONDS
    if failures < free:
        return 0
    return min(cap, 2 ** min(failures - free + 1, 30))


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _locked_pair(username: str, address: str) -> LoginThrottle:
    pair, created = LoginThrottle.objects.get_or_create(username=username, address=address)
    if created:
        # Keep the table to live pairs: failures nobody has repeated for a while, of pairs that
        # never signed in, are gone (the audit trail keeps every attempt).
        forgotten = timezone.now() - dt.timedelta(hours=settings.ACCORD_LOGIN_FORGET_HOURS)
        LoginThrottle.objects.filter(last_success_at__isnull=True, last_failure_at__lt=forgotten).delete()
    return LoginThrottle.objects.select_for_update().get(pk=pair.pk)


def _address_wait(address: str, now: dt.datetime) -> int:
    """Seconds until the address falls under its ceiling again, for pairs that never signed in."""
    recent = LoginThrottle.objects.filter(address=address, last_success_at__isnull=True,
                                          last_failure_at__gte=now - ADDRESS_WINDOW)
    seen = recent.aggregate(failures=Sum("failures"), oldest=Min("last_failure_at"))
    if (seen["failures"] or 0) < settings.ACCORD_LOGIN_ADDRESS_CEILING:
        return 0
    return math.ceil((seen["oldest"] + ADDRESS_WINDOW - now).total_seconds())


def claim_attempt(*, username: str, address: str) -> None:
    """Count one attempt of `username` from `address`, before its password is checked. Raises
    LoginThrottled, counting nothing, while the pair must wait or the address is over its ceiling."""
    with transaction.atomic():
        pair = _locked_pair(_key(username), address[:64])
        now = timezone.now()  # read once the row is ours: other attempts may have waited for it too
        quiet_since = now - dt.timedelta(hours=settings.ACCORD_LOGIN_FORGET_HOURS)
        failures = pair.failures if pair.last_failure_at and pair.last_failure_at > quiet_since else 0
        if pair.last_failure_at and (delay := delay_after(failures)):
            wait = (pair.last_failure_at + dt.timedelta(seconds=delay) - now).total_seconds()
            if wait > 0:
                raise LoginThrottled(math.ceil(wait))
        if pair.last_success_at is None and (wait := _address_wait(pair.address, now)):
            raise LoginThrottled(wait, from_network=True)
        pair.failures, pair.last_failure_at = failures + 1, now
        pair.save(update_fields=["failures", "last_failure_at"])


def record_success(*, username: str, address: str) -> None:
    """The password was right: take the claimed attempt back and remember the pair as a known one."""
    LoginThrottle.objects.filter(username=_key(username), address=address[:64]).update(
        failures=0, last_success_at=timezone.now())


def forget_failures(*, username: str) -> None:
    """After a password reset by email: the account's owner is back, at every address."""
    LoginThrottle.objects.filter(username=_key(username)).update(failures=0)
