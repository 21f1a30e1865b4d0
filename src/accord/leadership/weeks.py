"""ISO weeks as the time log counts them: a week is stored as its Monday and written `2026-W48`."""

from __future__ import annotations

import re
from datetime import date, timedelta

from accord.core.errors import ValidationFailed

_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def label(monday: date) -> str:
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d}"


def parse(text: str, *, field: str = "week") -> date:
    """The Monday of an ISO week written `YYYY-Www` (a date inside the week is accepted too)."""
    value = (text or "").strip()
    match = _ISO_WEEK.match(value)
    try:
        if match:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return monday_of(date.fromisoformat(value))
    except ValueError:
        pass
    raise ValidationFailed.field(field, f"{value!r} is not an ISO week such as 2026-W48 (or a date inside one)")


def window(last: date, count: int) -> list[date]:
    """The Mondays of `count` weeks ending with the week of `last`, oldest first."""
    end = monday_of(last)
    return [end - timedelta(weeks=back) for back in range(count - 1, -1, -1)]
