"""Business-time arithmetic: a budget of working hours counted on a calendar, minus pauses.

Time counts while the calendar is working and no pause covers it. A pause is (start, end) or
(start, None) for one still open ("waiting on requester"); pauses may overlap and may start before
the clock. Moments in are timezone-aware (any zone); moments out are UTC. Durations are kept in
microseconds (timedelta), so counting back what was counted forward gives the same hours.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from accord.engine.clocks.errors import ClockInputError
from accord.engine.clocks.working_calendar import Schedule, WorkingCalendar, schedule_of

Pause = tuple[datetime, datetime | None]

SEARCH_YEARS = 50  # a budget not spent within this many years of its start is refused, not searched forever
_HOUR = timedelta(hours=1)
_OPEN_END = datetime.max.replace(tzinfo=UTC)  # the end of a pause that has not ended


def aware_utc(moment: object, field: str) -> datetime:
    """`moment` in UTC; refuses anything but a timezone-aware datetime."""
    if not isinstance(moment, datetime):
        raise ClockInputError(field, f"{moment!r} is not a datetime")
    if moment.utcoffset() is None:
        raise ClockInputError(field, f"{moment.isoformat()} has no UTC offset; clocks take aware moments only")
    return moment.astimezone(UTC)


def _budget(hours: object) -> timedelta:
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours) or hours < 0:
        raise ClockInputError("hours", f"{hours!r} is not a number of working hours >= 0")
    return timedelta(hours=hours)


def _merged_pauses(pauses: Sequence[Pause]) -> list[tuple[datetime, datetime]]:
    """The pauses in UTC, sorted and merged where they overlap or touch; an open one ends at _OPEN_END."""
    spans = []
    for index, pause in enumerate(pauses):
        field = f"pauses[{index}]"
        if not isinstance(pause, tuple | list) or len(pause) != 2:
            raise ClockInputError(field, f"{pause!r} is not (start, end or None)")
        start = aware_utc(pause[0], f"{field} start")
        end = _OPEN_END if pause[1] is None else aware_utc(pause[1], f"{field} end")
        if end < start:
            raise ClockInputError(field, f"ends ({end.isoformat()}) before it starts ({start.isoformat()})")
        if end > start:
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _counting_spans(
    schedule: Schedule, start: datetime, pauses: list[tuple[datetime, datetime]], days: int
) -> Iterator[tuple[datetime, datetime]]:
    """The spans during which the clock runs, in order, from `start` over at most `days` local days.

    Stops early behind an open pause: no time counts after it.
    """
    day = start.astimezone(schedule.zone).date()
    next_pause = 0
    for _ in range(days):
        for opens, closes in schedule.intervals_on(day):
            if closes <= start:
                continue
            moment = max(opens, start)
            while moment < closes:
                while next_pause < len(pauses) and pauses[next_pause][1] <= moment:
                    next_pause += 1
                if next_pause == len(pauses) or pauses[next_pause][0] >= closes:
                    yield moment, closes
                    break
                pause_start, pause_end = pauses[next_pause]
                if pause_start > moment:
                    yield moment, pause_start
                if pause_end == _OPEN_END:
                    return
                moment = pause_end
        if day == date.max:
            return
        day += timedelta(days=1)


def business_due(
    calendar: WorkingCalendar, start: datetime, hours: float, *, pauses: Sequence[Pause] = ()
) -> datetime:
    """The UTC moment `hours` working hours after `start` on `calendar`, paused time not counted.

    This is the earliest moment the budget is spent: it can be the very end of a working interval
    (a budget of 8 from Monday 09:00 on a 09:00-17:00 calendar is due Monday 17:00). Budgets count to
    the microsecond; a zero budget (or one under a microsecond) is due at `start`, whatever the hour. Raises `ClockInputError` when an open pause stops the clock before the budget is
    spent (the due moment is unknown until the pause ends: see `clock_state`), or when the budget is
    not spent within SEARCH_YEARS.
    """
    start_utc = aware_utc(start, "start")
    left = _budget(hours)
    if not left:
        return start_utc
    spans = _counting_spans(schedule_of(calendar), start_utc, _merged_pauses(pauses), SEARCH_YEARS * 366)
    for opens, closes in spans:
        length = closes - opens
        if length >= left:
            return opens + left
        left -= length
    if any(end is None for _, end in pauses):
        raise ClockInputError("pauses", "an open pause stops the clock before the budget is spent; "
                                        "the due moment is known once it ends")
    raise ClockInputError("hours", f"{hours} working hours are not spent within {SEARCH_YEARS} years "
                                   f"on calendar {calendar.name!r}")


def business_elapsed(
    calendar: WorkingCalendar, start: datetime, end: datetime, *, pauses: Sequence[Pause] = ()
) -> float:
    """Working hours on `calendar` from `start` to `end`, paused time not counted.

    Refuses an `end` before `start`.
    """
    start_utc, end_utc = aware_utc(start, "start"), aware_utc(end, "end")
    if end_utc < start_utc:
        raise ClockInputError("end", f"{end_utc.isoformat()} is before start {start_utc.isoformat()}")
    return _elapsed(calendar, start_utc, end_utc, _merged_pauses(pauses)) / _HOUR


def _elapsed(
    calendar: WorkingCalendar, start: datetime, end: datetime, pauses: list[tuple[datetime, datetime]]
) -> timedelta:
    schedule = schedule_of(calendar)
    days = (end.astimezone(schedule.zone).date() - start.astimezone(schedule.zone).date()).days + 1
    counted = timedelta()
    for opens, closes in _counting_spans(schedule, start, pauses, days):
        if opens >= end:
            break
        counted += min(closes, end) - opens
    return counted


@dataclass(frozen=True)
class ClockState:
    """Where a business-time clock stands at a moment.

    `due` is a UTC moment; while an open pause covers now, it is computed as if the pause ended now,
    so it moves later as the pause goes on. `remaining_hours` is the budget minus the working hours
    counted so far (0 or less once `breached`, i.e. once now is past `due`). `paused` says whether
    a pause covers now.
    """

    due: datetime
    remaining_hours: float
    breached: bool
    paused: bool


def clock_state(
    calendar: WorkingCalendar, start: datetime, hours: float, now: datetime, *, pauses: Sequence[Pause] = ()
) -> ClockState:
    """The state at `now` of a clock of `hours` working hours started at `start`.

    An open pause is taken to end at `now` (or at its own start, if it starts later); a pause with an
    end after `now` counts as given, so a pause booked ahead ("until Monday") keeps the clock paused.
    """
    now_utc = aware_utc(now, "now")
    _merged_pauses(pauses)  # refuses malformed pauses with their index before they are rewritten
    closed = [(begin, end if end is not None else max(begin, now)) for begin, end in pauses]
    paused = any(
        aware_utc(begin, "pause start") <= now_utc and (end is None or now_utc < aware_utc(end, "pause end"))
        for begin, end in pauses
    )
    due = business_due(calendar, start, hours, pauses=closed)
    start_utc = aware_utc(start, "start")
    counted = _elapsed(calendar, start_utc, now_utc, _merged_pauses(closed)) if now_utc > start_utc else timedelta()
    remaining = (_budget(hours) - counted) / _HOUR  # in microseconds, as due was found: exactly 0 at due
    return ClockState(due=due, remaining_hours=remaining, breached=now_utc > due, paused=paused)
