"""Business-time clocks on worked examples: weekends, public holidays by subdivision, daylight-saving
changes in Berlin and New York, closed and open pauses, the clock's state, and refused input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accord.engine.clocks import (
    ClockInputError,
    WorkingCalendar,
    business_due,
    business_elapsed,
    clock_state,
    load_calendars,
)

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
CALENDARS = load_calendars()
DE_BE, US_NY, UTC_247 = CALENDARS["de-be"], CALENDARS["us-ny"], CALENDARS["utc-247"]
DE_HH = WorkingCalendar("de-hh", zone="Europe/Berlin", country="DE", subdivision="HH")
BERLIN_247 = WorkingCalendar("berlin-247", zone="Europe/Berlin", hours=tuple((d, "00:00", "24:00") for d in range(7)))
SPLIT_SHIFT = WorkingCalendar(
    "split", zone="Europe/Berlin",
    hours=tuple((d, a, b) for d in range(5) for a, b in (("09:00", "12:00"), ("13:00", "17:00"))),
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- weekends and working intervals ---------------------------------------------------------------


def test_a_budget_crosses_the_weekend():
    # Friday 2026-12-04 16:00 Berlin: one hour on Friday, seven on Monday.
    assert date(2026, 12, 4).weekday() == 4
    due = business_due(DE_BE, berlin(2026, 12, 4, 16), 8)
    assert due == berlin(2026, 12, 7, 16) == utc(2026, 12, 7, 15)
    assert due.tzinfo is UTC


def test_a_budget_spent_at_closing_time_is_due_then_not_next_morning():
    assert business_due(DE_BE, berlin(2026, 12, 7, 9), 8) == berlin(2026, 12, 7, 17)


def test_a_clock_started_out_of_hours_begins_at_the_next_opening():
    assert business_due(DE_BE, berlin(2026, 12, 5, 11), 1) == berlin(2026, 12, 7, 10)  # Saturday -> Monday
    assert business_due(DE_BE, berlin(2026, 12, 7, 20), 1) == berlin(2026, 12, 8, 10)  # Monday evening


def test_a_zero_budget_is_due_at_the_start_whatever_the_hour():
    assert business_due(DE_BE, berlin(2026, 12, 5, 11), 0) == berlin(2026, 12, 5, 11)


def test_a_lunch_break_does_not_count():
    assert business_due(SPLIT_SHIFT, berlin(2026, 12, 7, 11), 2) == berlin(2026, 12, 7, 14)
    assert business_elapsed(SPLIT_SHIFT, berlin(2026, 12, 7, 0), berlin(2026, 12, 8, 0)) == 7


def test_start_in_any_zone_gives_the_same_moment():
    assert business_due(DE_BE, utc(2026, 12, 4, 15), 8) == business_due(DE_BE, new_york(2026, 12, 4, 10), 8)


def test_elapsed_counts_working_hours_only():
    assert business_elapsed(DE_BE, berlin(2026, 12, 4, 16), berlin(2026, 12, 7, 16)) == 8
    assert business_elapsed(DE_BE, berlin(2026, 12, 5, 0), berlin(2026, 12, 6, 23)) == 0
    assert business_elapsed(UTC_247, utc(2026, 12, 4), utc(2026, 12, 11)) == 168


# --- public holidays ------------------------------------------------------------------------------


def test_german_unity_day_on_a_friday_closes_the_day():
    assert date(2025, 10, 3).weekday() == 4  # a Friday in 2025
    due = business_due(DE_BE, berlin(2025, 10, 2, 16), 2)  # one hour on Thursday, one on Monday
    assert due == berlin(2025, 10, 6, 10)


def test_german_unity_day_2026_is_a_saturday_and_changes_nothing():
    assert date(2026, 10, 3).weekday() == 5
    without_holidays = WorkingCalendar("berlin-no-holidays", zone="Europe/Berlin")
    start = berlin(2026, 10, 2, 16)
    assert business_due(DE_BE, start, 2) == business_due(without_holidays, start, 2) == berlin(2026, 10, 5, 10)


def test_a_subdivision_holiday_closes_berlin_but_not_hamburg():
    # International Women's Day is a public holiday in Berlin only; 2027-03-08 is a Monday.
    assert date(2027, 3, 8).weekday() == 0
    start = berlin(2027, 3, 5, 16)
    assert business_due(DE_BE, start, 2) == berlin(2027, 3, 9, 10)
    assert business_due(DE_HH, start, 2) == berlin(2027, 3, 8, 10)


def test_thanksgiving_closes_new_york_but_the_friday_after_is_a_working_day():
    assert date(2026, 11, 26).weekday() == 3
    assert business_due(US_NY, new_york(2026, 11, 25, 16), 2) == new_york(2026, 11, 27, 10)


def test_an_observed_holiday_closes_the_day_it_is_observed():
    # 4 July 2026 is a Saturday, observed on Friday 3 July: Thursday 16:00 + 2 hours = Monday 10:00.
    assert date(2026, 7, 4).weekday() == 5
    assert business_due(US_NY, new_york(2026, 7, 2, 16), 2) == new_york(2026, 7, 6, 10)


def test_extra_closed_days_close_the_office():
    closed = WorkingCalendar("de-be-closed", zone="Europe/Berlin", country="DE", subdivision="BE",
                             extra_closed_days=(date(2026, 12, 7),))
    assert business_due(closed, berlin(2026, 12, 4, 16), 2) == berlin(2026, 12, 8, 10)


# --- daylight saving ------------------------------------------------------------------------------


def test_berlin_spring_forward_keeps_wall_time_hours():
    # Friday 16:00 CET (UTC+1) + 2 working hours = Monday 10:00 CEST (UTC+2), after 2026-03-29.
    due = business_due(DE_BE, berlin(2026, 3, 27, 16), 2)
    assert due == utc(2026, 3, 30, 8)
    assert due.astimezone(BERLIN).hour == 10


def test_berlin_fall_back_keeps_wall_time_hours():
    due = business_due(DE_BE, berlin(2026, 10, 23, 16), 2)
    assert due == utc(2026, 10, 26, 9)  # Monday 10:00 CET after 2026-10-25


def test_a_round_the_clock_day_lasts_23_and_25_hours_on_the_change_days():
    assert business_elapsed(BERLIN_247, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 23
    assert business_elapsed(BERLIN_247, berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25
    assert business_due(BERLIN_247, berlin(2026, 3, 29), 24) == berlin(2026, 3, 30, 1)


def test_a_night_shift_over_the_spring_change_is_one_hour_shorter():
    night = WorkingCalendar("night", zone="Europe/Berlin", hours=((6, "00:00", "06:00"),))
    assert business_elapsed(night, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 5
    assert business_elapsed(night, berlin(2026, 10, 25), berlin(2026, 10, 26)) == 7
    assert business_elapsed(night, berlin(2026, 11, 1), berlin(2026, 11, 2)) == 6


def test_new_york_changes_clocks_on_other_weekends():
    # US daylight saving starts 2026-03-08 and ends 2026-11-01, weeks apart from Europe's.
    assert business_due(US_NY, new_york(2026, 3, 6, 16), 2) == utc(2026, 3, 9, 14)  # 10:00 EDT
    assert business_due(US_NY, new_york(2026, 10, 30, 16), 2) == utc(2026, 11, 2, 15)  # 10:00 EST


# --- pauses ---------------------------------------------------------------------------------------


def test_a_closed_pause_is_not_counted():
    pause = (berlin(2026, 12, 7, 11), berlin(2026, 12, 7, 13))
    assert business_due(DE_BE, berlin(2026, 12, 7, 9), 8, pauses=[pause]) == berlin(2026, 12, 8, 11)
    assert business_elapsed(DE_BE, berlin(2026, 12, 7, 9), berlin(2026, 12, 7, 17), pauses=[pause]) == 6


def test_overlapping_pauses_and_pauses_out_of_hours_or_before_the_start():
    pauses = [
        (berlin(2026, 12, 7, 10), berlin(2026, 12, 7, 12)),
        (berlin(2026, 12, 7, 11), berlin(2026, 12, 7, 13)),  # overlaps the first: 10:00-13:00 in all
        (berlin(2026, 12, 5, 9), berlin(2026, 12, 6, 18)),  # the weekend: nothing to pause
        (berlin(2026, 12, 4, 9), berlin(2026, 12, 7, 9, 30)),  # began before the clock
    ]
    assert business_due(DE_BE, berlin(2026, 12, 7, 9), 4, pauses=pauses) == berlin(2026, 12, 7, 16, 30)


def test_an_open_pause_after_the_budget_is_spent_does_not_matter():
    pauses = [(berlin(2026, 12, 8, 9), None)]
    assert business_due(DE_BE, berlin(2026, 12, 7, 9), 8, pauses=pauses) == berlin(2026, 12, 7, 17)


def test_an_open_pause_before_the_budget_is_spent_leaves_the_due_moment_unknown():
    with pytest.raises(ClockInputError, match="open pause") as raised:
        business_due(DE_BE, berlin(2026, 12, 7, 9), 8, pauses=[(berlin(2026, 12, 7, 11), None)])
    assert raised.value.field == "pauses"


# --- the clock's state ----------------------------------------------------------------------------


def test_state_while_an_open_pause_runs_moves_the_due_moment():
    start, pauses = berlin(2026, 12, 7, 9), [(berlin(2026, 12, 7, 11), None)]
    state = clock_state(DE_BE, start, 8, berlin(2026, 12, 8, 10), pauses=pauses)
    assert state.paused and not state.breached
    assert state.remaining_hours == 6
    assert state.due == berlin(2026, 12, 8, 16)  # 6 hours from "now", as if the pause ended now
    later = clock_state(DE_BE, start, 8, berlin(2026, 12, 9, 10), pauses=pauses)
    assert later.due == berlin(2026, 12, 9, 16) and later.remaining_hours == 6


def test_state_after_a_pause_was_closed():
    pauses = [(berlin(2026, 12, 7, 11), berlin(2026, 12, 7, 15))]
    state = clock_state(DE_BE, berlin(2026, 12, 7, 9), 8, berlin(2026, 12, 7, 16), pauses=pauses)
    assert not state.paused and state.remaining_hours == 5 and state.due == berlin(2026, 12, 8, 13)


def test_a_pause_booked_until_later_keeps_the_clock_paused():
    pauses = [(berlin(2026, 12, 7, 11), berlin(2026, 12, 9, 9))]
    state = clock_state(DE_BE, berlin(2026, 12, 7, 9), 8, berlin(2026, 12, 8, 12), pauses=pauses)
    assert state.paused and state.remaining_hours == 6 and state.due == berlin(2026, 12, 9, 15)


def test_state_breached_counts_negative_remaining_hours():
    state = clock_state(DE_BE, berlin(2026, 12, 7, 9), 8, berlin(2026, 12, 8, 10))
    assert state.breached and not state.paused
    assert state.remaining_hours == -1
    assert state.due == berlin(2026, 12, 7, 17)


def test_state_breached_out_of_hours_has_no_hours_left_but_is_breached():
    state = clock_state(DE_BE, berlin(2026, 12, 7, 9), 8, berlin(2026, 12, 7, 20))
    assert state.breached and state.remaining_hours == 0


def test_state_exactly_at_the_due_moment_is_not_breached():
    state = clock_state(DE_BE, berlin(2026, 12, 7, 9), 8, berlin(2026, 12, 7, 17))
    assert not state.breached and state.remaining_hours == 0


def test_state_before_the_clock_starts_has_the_whole_budget():
    state = clock_state(DE_BE, berlin(2026, 12, 7, 9), 8, berlin(2026, 12, 6, 9))
    assert state.remaining_hours == 8 and not state.breached


# --- refused input --------------------------------------------------------------------------------


def test_naive_moments_are_refused_naming_the_argument():
    naive = datetime(2026, 12, 7, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ClockInputError, match="no UTC offset") as raised:
        business_due(DE_BE, naive, 1)
    assert raised.value.field == "start"
    with pytest.raises(ClockInputError) as raised:
        business_elapsed(DE_BE, berlin(2026, 12, 7, 9), naive)
    assert raised.value.field == "end"
    with pytest.raises(ClockInputError) as raised:
        business_due(DE_BE, berlin(2026, 12, 7, 9), 1, pauses=[(naive, None)])
    assert raised.value.field == "pauses[0] start"


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf"), True, "8"])
def test_bad_budgets_are_refused(hours):
    with pytest.raises(ClockInputError) as raised:
        business_due(DE_BE, berlin(2026, 12, 7, 9), hours)
    assert raised.value.field == "hours"


def test_a_pause_ending_before_it_starts_and_an_end_before_the_start_are_refused():
    with pytest.raises(ClockInputError) as raised:
        business_due(DE_BE, berlin(2026, 12, 7, 9), 1,
                     pauses=[(berlin(2026, 12, 7, 9), berlin(2026, 12, 7, 10)),
                             (berlin(2026, 12, 7, 12), berlin(2026, 12, 7, 11))])
    assert raised.value.field == "pauses[1]"
    with pytest.raises(ClockInputError, match="before start"):
        business_elapsed(DE_BE, berlin(2026, 12, 7, 9), berlin(2026, 12, 7, 8))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"zone": "Europe/Berlinn"}, "zone"),
    ({"hours": ((0, "9:00", "17:00"),)}, "hours[0] start"),
    ({"hours": ((0, "09:00", "25:00"),)}, "hours[0] end"),
    ({"hours": ((7, "09:00", "17:00"),)}, "hours[0]"),
    ({"hours": ((0, "17:00", "09:00"),)}, "hours[0]"),
    ({"hours": ((0, "09:00", "13:00"), (0, "12:00", "17:00"))}, "hours"),
    ({"hours": ()}, "hours"),
    ({"country": "XX"}, "country"),
    ({"country": "DE", "subdivision": "ZZ"}, "subdivision"),
    ({"subdivision": "BE"}, "subdivision"),
    ({"extra_closed_days": (datetime(2026, 1, 1, tzinfo=UTC),)}, "extra_closed_days[0]"),
])
def test_bad_calendars_are_refused_naming_the_field(kwargs, field):
    with pytest.raises(ClockInputError) as raised:
        WorkingCalendar("bad", **kwargs)
    assert raised.value.field == field


def test_calendars_given_lists_become_hashable_tuples():
    calendar = WorkingCalendar("lists", hours=[[0, "09:00", "17:00"]], extra_closed_days=[date(2026, 1, 2)])
    assert calendar.hours == ((0, "09:00", "17:00"),)
    assert hash(calendar) == hash(WorkingCalendar("lists", hours=((0, "09:00", "17:00"),),
                                                  extra_closed_days=(date(2026, 1, 2),)))


def test_a_budget_too_large_to_spend_is_refused_not_searched_forever():
    sundays_only = WorkingCalendar("sparse", hours=((6, "09:00", "09:01"),))
    with pytest.raises(ClockInputError, match="not spent within") as raised:
        business_due(sundays_only, utc(2026, 1, 1), 1000)
    assert raised.value.field == "hours"


def test_fractional_hours_count_to_the_microsecond():
    due = business_due(DE_BE, berlin(2026, 12, 7, 9), 1 / 3)
    assert due == berlin(2026, 12, 7, 9) + timedelta(minutes=20)
