"""Recurring maintenance windows: expand an iCalendar RRULE into concrete occurrences."""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil.rrule import rrule, rruleset, rrulestr

MAX_OCCURRENCES = 5_000  # a rule that yields more inside one horizon is a typo (e.g. MINUTELY)


def expand_rrule(rule: str, first_start: datetime, since: datetime, until: datetime) -> list[datetime]:
    """Start times (in UTC) of a recurring window that fall in [since, until).

    `rule` is an RFC 5545 recurrence rule with or without the "RRULE:" prefix, e.g.
    "FREQ=WEEKLY;BYDAY=TH" or "RRULE:FREQ=MONTHLY;BYDAY=2SA;COUNT=6"; `first_start` is its DTSTART
    (timezone-aware; in its own zone it sets the wall-clock time of every occurrence, so a window
    at 22:00 Europe/Berlin stays at 22:00 local across daylight saving). Raises ValueError on a rule
    dateutil cannot parse or one that yields more than MAX_OCCURRENCES inside the range.
    """
    if first_start.tzinfo is None or since.tzinfo is None or until.tzinfo is None:
        raise ValueError("recurrence needs timezone-aware datetimes")
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text:
        raise ValueError("expected one RRULE line")
    parsed: rrule | rruleset = rrulestr(text, dtstart=first_start)
    occurrences: list[datetime] = []
    # iterate lazily so an unbounded rule stops at the horizon instead of running forever
    for occurrence in parsed:
        if occurrence >= until:
            break
        if occurrence >= since:
            occurrences.append(occurrence.astimezone(UTC))
            if len(occurrences) > MAX_OCCURRENCES:
                raise ValueError(f"more than {MAX_OCCURRENCES} occurrences inside the horizon")
    return occurrences


# The simple recurrences people build with the form (every day / week / two weeks / month, N times),
# and their words; any other rule is kept and shown as the RRULE it is.
SIMPLE_FREQUENCIES = {"DAILY": "every day", "WEEKLY": "every week", "MONTHLY": "every month"}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def simple_rule(repeat: str, times: int | None) -> str:
    """The RRULE of a form's choice: repeat is once, daily, weekly, fortnightly or monthly."""
    base = {"once": "", "daily": "FREQ=DAILY", "weekly": "FREQ=WEEKLY", "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
            "monthly": "FREQ=MONTHLY"}[repeat]
    return f"{base};COUNT={times}" if base and times else base


def parse_simple(rule: str) -> tuple[str, int | None] | None:
    """(repeat, times) when `rule` is one the form builds, else None."""
    text = rule.strip().upper().removeprefix("RRULE:")
    if not text:
        return "once", None
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    if len(parts) != len(text.split(";")) or not set(parts) <= {"FREQ", "INTERVAL", "COUNT"}:
        return None
    interval, count = parts.get("INTERVAL", "1"), parts.get("COUNT")
    repeat = {("DAILY", "1"): "daily", ("WEEKLY", "1"): "weekly", ("WEEKLY", "2"): "fortnightly",
              ("MONTHLY", "1"): "monthly"}.get((parts.get("FREQ", ""), interval))
    if repeat is None or (count is not None and not count.isdecimal()):
        return None
    return repeat, int(count) if count else None


def describe(rule: str, first_start: datetime) -> str:
    """A window's recurrence in words, in the zone of `first_start`: "every Saturday at 22:00, 13 times"."""
    at = f"{first_start:%H:%M}"
    simple = parse_simple(rule)
    if simple is None:
        return f"custom rule {rule.strip()}, first {first_start:%a %Y-%m-%d %H:%M}"
    repeat, times = simple
    day = _DAYS[first_start.weekday()]
    words = {"once": f"once, {day} {first_start:%Y-%m-%d} at {at}", "daily": f"every day at {at}",
             "weekly": f"every {day} at {at}", "fortnightly": f"every other {day} at {at}",
             "monthly": f"every month on day {first_start.day} at {at}"}[repeat]
    if repeat != "once":
        words += f", {times} times" if times else ", with no end"
    return words
