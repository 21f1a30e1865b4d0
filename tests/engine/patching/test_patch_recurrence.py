"""RRULE expansion into concrete window occurrences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accord.engine.patching.recurrence import expand_rrule

SINCE = datetime(2026, 12, 1, tzinfo=UTC)
UNTIL = datetime(2027, 1, 1, tzinfo=UTC)


def test_weekly_thursdays_in_december() -> None:
    first = datetime(2026, 12, 3, 22, tzinfo=UTC)
    days = [d.day for d in expand_rrule("FREQ=WEEKLY;BYDAY=TH", first, SINCE, UNTIL)]
    assert days == [3, 10, 17, 24, 31]


def test_count_until_interval_and_prefix() -> None:
    first = datetime(2026, 12, 3, 22, tzinfo=UTC)
    assert len(expand_rrule("RRULE:FREQ=DAILY;COUNT=4", first, SINCE, UNTIL)) == 4
    assert [d.day for d in expand_rrule("FREQ=WEEKLY;UNTIL=20261218T000000Z", first, SINCE, UNTIL)] == [
        3,
        10,
        17,
    ]
    assert [d.day for d in expand_rrule("FREQ=WEEKLY;INTERVAL=2", first, SINCE, UNTIL)] == [3, 17, 31]


def test_occurrences_before_the_horizon_are_dropped() -> None:
    first = datetime(2026, 11, 5, 22, tzinfo=UTC)  # the rule started a month earlier
    occurrences = expand_rrule("FREQ=WEEKLY", first, SINCE, UNTIL)
    assert occurrences[0] == datetime(2026, 12, 3, 22, tzinfo=UTC)
    assert all(SINCE <= d < UNTIL for d in occurrences)


def test_local_time_survives_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2027, 3, 27, 22, tzinfo=berlin)  # DST starts on 2027-03-28
    occurrences = expand_rrule("FREQ=WEEKLY;COUNT=2", first, first, datetime(2027, 5, 1, tzinfo=UTC))
    # 22:00 in Berlin both times, returned in UTC: 21:00 in winter, 20:00 in summer
    assert [d.astimezone(berlin).hour for d in occurrences] == [22, 22]
    assert [d.hour for d in occurrences] == [21, 20]
    assert all(d.utcoffset() == timedelta(0) for d in occurrences)
    assert (occurrences[1] - occurrences[0]).total_seconds() == 7 * 86400 - 3600


def test_monthly_second_saturday() -> None:
    first = datetime(2026, 12, 12, 20, tzinfo=UTC)
    occurrences = expand_rrule("FREQ=MONTHLY;BYDAY=2SA", first, SINCE, datetime(2027, 3, 1, tzinfo=UTC))
    assert [(d.month, d.day) for d in occurrences] == [(12, 12), (1, 9), (2, 13)]


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "", "FREQ=WEEKLY\nFREQ=DAILY", "FREQ=MINUTELY"])
def test_bad_rules_are_refused(rule: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        expand_rrule(rule, datetime(2026, 12, 3, tzinfo=UTC), SINCE, UNTIL)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        expand_rrule("FREQ=DAILY", datetime(2026, 12, 3), SINCE, UNTIL)  # noqa: DTZ001
