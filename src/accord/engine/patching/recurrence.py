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
