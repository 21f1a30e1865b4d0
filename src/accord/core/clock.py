"""The organisation's calendar: one `today()` and one end-of-day rule for every app.

A date people read (a due date, the day a decision was recorded) is a day in the organisation's
time zone: Django's TIME_ZONE, set from ACCORD_TIME_ZONE. Never the UTC date of `timezone.now()`
and never the zone of the machine Accord runs on. A day ends at the first instant of the next
day in that zone, so something due on a day is late from that instant on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils import timezone


def zone() -> tzinfo:
    """The organisation's time zone (TIME_ZONE)."""
    return timezone.get_default_timezone()


def day_of(moment: datetime) -> date:
    """The organisation's calendar day of an aware moment."""
    return timezone.localdate(moment, zone())


def today() -> date:
    """Today in the organisation's time zone."""
    return day_of(timezone.now())


def end_of_day(day: date) -> datetime:
    """The moment `day` ends in the organisation's time zone (the first instant of the next day), in UTC."""
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone())
    return next_midnight.astimezone(UTC)


def day_ending_at(moment: datetime) -> date:
    """The day whose end (`end_of_day`) is `moment`: the due day of a due moment."""
    return day_of(moment - timedelta(microseconds=1))
