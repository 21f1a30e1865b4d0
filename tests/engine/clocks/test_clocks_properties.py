"""Properties of business-time arithmetic over random starts, budgets and pauses, with starts drawn
near weekends, public holidays and daylight-saving changes too.

The two checks that do not reuse the engine's own arithmetic are the ones that catch most mistakes:
an independent count in 15-minute steps of local wall time, and where the due moment lands on the
calendar's wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accord.engine.clocks import (
    WorkingCalendar,
    business_due,
    business_elapsed,
    clock_state,
    load_calendars,
)

BUILT_IN = load_calendars()
CALENDARS = [
    BUILT_IN["de-be"],
    BUILT_IN["us-ny"],
    BUILT_IN["uk"],
    WorkingCalendar("split-berlin", zone="Europe/Berlin", country="DE", subdivision="BE",
                    hours=tuple((d, a, b) for d in range(5) for a, b in (("08:00", "12:00"), ("13:00", "16:30")))),
    WorkingCalendar("berlin-247", zone="Europe/Berlin", hours=tuple((d, "00:00", "24:00") for d in range(7))),
    WorkingCalendar("ny-nights", zone="America/New_York", country="US",
                    hours=(*((d, "00:00", "03:00") for d in range(7)), (5, "22:00", "24:00"))),
]
QUARTER = timedelta(minutes=15)
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
# Days where mistakes hide: clock changes in Europe and the US, Berlin and US holidays, year ends.
TRICKY_DAYS = [datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC),
               datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 3, 8, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC),
               datetime(2026, 7, 3, tzinfo=UTC), datetime(2026, 12, 24, tzinfo=UTC), datetime(2025, 10, 3, tzinfo=UTC)]
PROPERTY = settings(max_examples=200, deadline=None)

calendars = st.sampled_from(CALENDARS)
anywhere = st.integers(0, 4 * 24 * 365 * 3).map(lambda q: EPOCH + q * QUARTER)
near_tricky_days = st.builds(lambda day, q: day + q * QUARTER, st.sampled_from(TRICKY_DAYS), st.integers(-4 * 72, 4 * 72))
starts = st.one_of(anywhere, near_tricky_days)
zones = st.sampled_from([UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")])
budgets = st.floats(min_value=0, max_value=300, allow_nan=False)
quarter_budgets = st.integers(0, 4 * 60).map(lambda q: q / 4)
pauses = st.lists(
    st.tuples(st.integers(-4 * 24, 4 * 24 * 10), st.integers(0, 4 * 24 * 3)), max_size=3,
)


def placed(start: datetime, spans: list[tuple[int, int]]) -> list[tuple[datetime, datetime | None]]:
    """Pauses given as (quarter hours after start, length in quarter hours)."""
    return [(start + offset * QUARTER, start + (offset + length) * QUARTER) for offset, length in spans]


@cache
def holidays_of(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@cache
def wall_intervals(calendar: WorkingCalendar, day: date) -> tuple[tuple[int, int], ...]:
    """Working intervals of a local day in minutes, read from the calendar's fields, not the engine."""
    if day in calendar.extra_closed_days or (
            calendar.country is not None and day in holidays_of(calendar.country, calendar.subdivision, day.year)):
        return ()
    return tuple((_minutes(a), _minutes(b)) for weekday, a, b in calendar.hours if weekday == day.weekday())


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def counted_by_steps(calendar: WorkingCalendar, start: datetime, end: datetime,
                     paused: list[tuple[datetime, datetime | None]]) -> float:
    """Working hours from start to end, by asking the wall clock of every 15-minute step."""
    zone, steps, moment = ZoneInfo(calendar.zone), 0, start
    while moment < end:
        local = moment.astimezone(zone)
        minute = local.hour * 60 + local.minute
        working = any(a <= minute < b for a, b in wall_intervals(calendar, local.date()))
        in_pause = any(p <= moment and (q is None or moment < q) for p, q in paused)
        steps += working and not in_pause
        moment += QUARTER
    return steps / 4


def on_the_wall_clock_at_work(calendar: WorkingCalendar, due: datetime) -> bool:
    """Whether `due` lies inside a working interval or exactly at one's end, on the local wall clock."""
    local = due.astimezone(ZoneInfo(calendar.zone))
    minute = local.hour * 60 + local.minute + local.second / 60 + local.microsecond / 60e6
    if any(a < minute <= b for a, b in wall_intervals(calendar, local.date())):
        return True
    before = local.date() - timedelta(days=1)  # exactly midnight closing a day that ends at 24:00
    return minute == 0 and any(b == 24 * 60 for _, b in wall_intervals(calendar, before))


@PROPERTY
@given(calendars, starts, zones, budgets)
def test_due_is_never_before_start_and_spends_exactly_the_budget(calendar, start, zone, hours):
    start = start.astimezone(zone)
    due = business_due(calendar, start, hours)
    assert due >= start and due.tzinfo is UTC
    assert abs(business_elapsed(calendar, start, due) - hours) < 1e-6


@PROPERTY
@given(calendars, starts, budgets, budgets, pauses)
def test_more_hours_are_never_due_sooner(calendar, start, first, second, spans):
    low, high = sorted((first, second))
    paused = placed(start, spans)
    assert business_due(calendar, start, low, pauses=paused) <= business_due(calendar, start, high, pauses=paused)


@PROPERTY
@given(calendars, starts, budgets, pauses, st.tuples(st.integers(-4 * 24, 4 * 24 * 10), st.integers(1, 4 * 24 * 3)))
def test_a_pause_never_brings_the_due_moment_forward(calendar, start, hours, spans, extra):
    without = business_due(calendar, start, hours, pauses=placed(start, spans))
    with_extra = business_due(calendar, start, hours, pauses=placed(start, [*spans, extra]))
    assert with_extra >= without


@PROPERTY
@given(calendars, starts, st.floats(min_value=1e-6, max_value=300), pauses)  # a budget under 1 µs is 0
def test_due_lands_in_working_hours_or_at_the_end_of_an_interval(calendar, start, hours, spans):
    paused = placed(start, spans)
    due = business_due(calendar, start, hours, pauses=paused)
    assert on_the_wall_clock_at_work(calendar, due), due.astimezone(ZoneInfo(calendar.zone))
    assert not any(p < due < q for p, q in paused)  # and never inside a pause


@PROPERTY
@given(calendars, starts, quarter_budgets, pauses)
def test_elapsed_agrees_with_counting_the_wall_clock_step_by_step(calendar, start, hours, spans):
    paused = placed(start, spans)
    end = start + timedelta(hours=hours * 3)
    assert business_elapsed(calendar, start, end, pauses=paused) == counted_by_steps(calendar, start, end, paused)


@PROPERTY
@given(calendars, starts, st.integers(1, 4 * 24).map(lambda q: q / 4))
def test_due_agrees_with_counting_the_wall_clock_step_by_step(calendar, start, hours):
    due = business_due(calendar, start, hours)
    assert counted_by_steps(calendar, start, due, []) == hours
    # and one step earlier the budget was not yet spent
    assert counted_by_steps(calendar, start, due - QUARTER, []) < hours


@PROPERTY
@given(calendars, starts, st.integers(0, 4 * 24 * 20), st.integers(0, 4 * 24 * 20), pauses)
def test_elapsed_adds_up_over_consecutive_spans(calendar, start, first, second, spans):
    middle, end = start + first * QUARTER, start + (first + second) * QUARTER
    paused = placed(start, spans)
    whole = business_elapsed(calendar, start, end, pauses=paused)
    parts = business_elapsed(calendar, start, middle, pauses=paused) + business_elapsed(calendar, middle, end, pauses=paused)
    assert abs(whole - parts) < 1e-9


@PROPERTY
@given(calendars, starts, budgets, st.integers(-4 * 24, 4 * 24 * 60), pauses, st.booleans())
def test_state_agrees_with_due_and_elapsed(calendar, start, hours, after, spans, last_pause_open):
    now = start + after * QUARTER
    paused = placed(start, spans)
    if last_pause_open and paused:
        assume(paused[-1][0] <= now)
        paused[-1] = (paused[-1][0], None)
    state = clock_state(calendar, start, hours, now, pauses=paused)
    closed_now = [(p, q if q is not None else max(p, now)) for p, q in paused]
    assert state.due == business_due(calendar, start, hours, pauses=closed_now)
    assert state.breached == (now > state.due)
    counted = business_elapsed(calendar, start, now, pauses=closed_now) if now > start else 0.0
    assert abs(state.remaining_hours - (hours - counted)) < 1e-6
    if state.breached:
        assert state.remaining_hours <= 1e-9
    assert state.paused == any(p <= now and (q is None or now < q) for p, q in paused)
