"""Working calendars: the weekly working hours in local wall time, the zone, and the closed days.

A working day is a weekday with hours that is neither a public holiday of the calendar's country
(and subdivision) nor one of its extra closed days. Hours are local wall time, so "09:00-17:00" is
eight hours on the days daylight saving starts and ends too; only an interval that spans the change
itself is shorter or longer (a 00:00-24:00 day in Berlin lasts 23 hours on the last Sunday of March).
A wall time that does not exist (in the spring gap) is read with the offset before the change, and
one that exists twice (in the autumn fold) is its first occurrence, as `zoneinfo` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from accord.engine.clocks.errors import ClockInputError
from accord.engine.clocks.holiday_dates import public_holidays, region_problem

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NINE_TO_FIVE: tuple[tuple[int, str, str], ...] = tuple((weekday, "09:00", "17:00") for weekday in range(5))
MINUTES_PER_DAY = 24 * 60
_WALL_TIME = re.compile(r"(\d{2}):(\d{2})")
_MAX_CACHED_DAYS = 50_000  # one calendar's cache of working intervals, about 20 MB at most


def wall_minutes(text: object, field: str) -> int:
    """Minutes after midnight of a wall time "HH:MM" (00:00 to 24:00)."""
    match = _WALL_TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        hint = " (in YAML, quote it: \"17:30\")" if isinstance(text, int) and not isinstance(text, bool) else ""
        raise ClockInputError(field, f"{text!r} is not a wall time HH:MM{hint}")
    hour, minute = int(match[1]), int(match[2])
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ClockInputError(field, f"{text!r} is not a time between 00:00 and 24:00")
    return hour * 60 + minute


def zone_named(name: object, field: str = "zone") -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ClockInputError(field, f"{name!r} is not an IANA time zone name such as Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ClockInputError(field, f"{name!r} is not an IANA time zone name such as Europe/Berlin") from None


def check_region(country: object, subdivision: object) -> None:
    """Refuse a country or subdivision the `holidays` package does not know."""
    if country is None:
        if subdivision is not None:
            raise ClockInputError("subdivision", "a subdivision needs a country")
        return
    if not isinstance(country, str) or not country:
        raise ClockInputError("country", f"{country!r} is not a country code such as DE or US")
    if subdivision is not None and (not isinstance(subdivision, str) or not subdivision):
        raise ClockInputError("subdivision", f"{subdivision!r} is not a subdivision code such as BE or NY")
    problem = region_problem(country, subdivision)
    if problem is not None:
        raise ClockInputError("subdivision" if "subdivision" in problem else "country", problem)


def weekly_minutes(hours: Iterable[object]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Working intervals per weekday (0 = Monday) in minutes after local midnight, sorted.

    Refuses a malformed entry, an empty or reversed interval and intervals that overlap on a day.
    """
    week: list[list[tuple[int, int]]] = [[] for _ in WEEKDAYS]
    for index, entry in enumerate(hours):
        field = f"hours[{index}]"
        if not isinstance(entry, tuple | list) or len(entry) != 3:
            raise ClockInputError(field, f"{entry!r} is not (weekday, start, end), e.g. (0, '09:00', '17:00')")
        weekday, start, end = entry
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ClockInputError(field, f"weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
        opens, closes = wall_minutes(start, f"{field} start"), wall_minutes(end, f"{field} end")
        if opens >= closes:
            raise ClockInputError(field, f"{start}-{end} ends before it starts; split a night shift at 24:00")
        week[weekday].append((opens, closes))
    for weekday, intervals in enumerate(week):
        intervals.sort()
        for (_, first_end), (second_start, _) in pairwise(intervals):
            if second_start < first_end:
                raise ClockInputError("hours", f"intervals overlap on {WEEKDAYS[weekday]}")
    if not any(week):
        raise ClockInputError("hours", "a calendar needs at least one working interval, or its clocks never end")
    return tuple(tuple(intervals) for intervals in week)


@dataclass(frozen=True)
class WorkingCalendar:
    """When business time runs: weekly hours in local wall time of `zone`, minus closed days.

    `hours` holds (weekday 0 = Monday, "HH:MM", "HH:MM") entries; a day may have several intervals
    ("09:00"-"12:00" and "13:00"-"17:00") and "24:00" ends a day. `country` and `subdivision` are
    codes of the `holidays` package (e.g. "DE" and "BE" for Berlin); their public holidays are closed,
    as are `extra_closed_days` (local dates). Refuses bad input with a `ClockInputError` naming the field.
    """

    name: str
    zone: str = "UTC"
    hours: tuple[tuple[int, str, str], ...] = NINE_TO_FIVE
    country: str | None = None
    subdivision: str | None = None
    extra_closed_days: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ClockInputError("name", f"{self.name!r} is not a calendar name")
        zone_named(self.zone)
        # Lists (as a YAML file gives them) become tuples: the calendar stays hashable and frozen.
        try:
            object.__setattr__(self, "hours", tuple(tuple(entry) for entry in self.hours))
            object.__setattr__(self, "extra_closed_days", tuple(self.extra_closed_days))
        except TypeError:
            raise ClockInputError("hours", "must be a sequence of (weekday, start, end) entries") from None
        weekly_minutes(self.hours)
        for index, day in enumerate(self.extra_closed_days):
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ClockInputError(f"extra_closed_days[{index}]", f"{day!r} is not a date")
        check_region(self.country, self.subdivision)


class Schedule:
    """A calendar compiled for arithmetic: each local day's working intervals as UTC moments.

    Days are computed once and cached, so counting across the same weeks again is a dictionary lookup.
    """

    __slots__ = ("_closed", "_country", "_days", "_subdivision", "_week", "zone")

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.zone = ZoneInfo(calendar.zone)
        self._week = weekly_minutes(calendar.hours)
        self._country = calendar.country
        self._subdivision = calendar.subdivision
        self._closed = frozenset(calendar.extra_closed_days)
        self._days: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    def is_working_day(self, day: date) -> bool:
        if not self._week[day.weekday()] or day in self._closed:
            return False
        return self._country is None or day not in public_holidays(self._country, self._subdivision, day.year)

    def intervals_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of local `day` as (start, end) UTC moments; empty on a closed day."""
        found = self._days.get(day)
        if found is None:
            found = self._compute(day) if self.is_working_day(day) else ()
            if len(self._days) >= _MAX_CACHED_DAYS:
                self._days.clear()
            self._days[day] = found
        return found

    def _compute(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        midnight = datetime.combine(day, time(), tzinfo=self.zone)
        intervals = []
        for opens, closes in self._week[day.weekday()]:
            # Adding minutes to an aware datetime moves its wall time; astimezone then finds the offset.
            start = (midnight + timedelta(minutes=opens)).astimezone(UTC)
            end = (midnight + timedelta(minutes=closes)).astimezone(UTC)
            if end > start:  # an interval wholly inside the spring gap has no length
                intervals.append((start, end))
        return tuple(intervals)


@lru_cache(maxsize=128)
def schedule_of(calendar: WorkingCalendar) -> Schedule:
    return Schedule(calendar)
