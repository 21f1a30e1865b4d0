"""How far a regulatory deadline lies from the moment it counts from: calendar hours, calendar
months, or business days of a named country."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from accord.engine.clocks.holiday_dates import public_holidays
from accord.engine.clocks.working_calendar import zone_named


class OffsetUnit(StrEnum):
    HOURS = "hours"
    MONTHS = "months"
    BUSINESS_DAYS = "business_days"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day of the month and time of day `months` later; the month's last day when that day
    does not exist (31 January + 1 month = 28 February, or 29 in a leap year)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class BusinessDays:
    """Which days are business days: Monday to Friday in `zone`, minus the public holidays of
    `country` (and `subdivision`) and `closed_days`. A deadline of N business days falls on the Nth
    business day after the local date of its starting moment, at `ends_at` local time ("24:00": the
    end of that day)."""

    zone: str
    country: str
    subdivision: str | None = None
    closed_days: tuple[date, ...] = ()
    ends_at: str = "24:00"

    def is_business_day(self, day: date) -> bool:
        return (day.weekday() < 5 and day not in self.closed_days
                and day not in public_holidays(self.country, self.subdivision, day.year))

    def after(self, moment: datetime, days: int) -> datetime:
        zone = zone_named(self.zone)
        day = moment.astimezone(zone).date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.is_business_day(day)
        hour, minute = (int(part) for part in self.ends_at.split(":"))
        return (datetime.combine(day, time(), tzinfo=zone) + timedelta(hours=hour, minutes=minute)).astimezone(UTC)


@dataclass(frozen=True)
class Offset:
    """`amount` of `unit` after a moment; business days need `business_days` to say which days count."""

    amount: int | float
    unit: OffsetUnit
    business_days: BusinessDays | None = None

    def after(self, moment: datetime) -> datetime:
        """The UTC moment this offset after `moment` (an aware datetime)."""
        moment = moment.astimezone(UTC)
        if self.unit is OffsetUnit.HOURS:
            return moment + timedelta(hours=self.amount)
        if self.unit is OffsetUnit.MONTHS:
            return add_months(moment, int(self.amount))
        if self.business_days is None:
            raise ValueError("an offset in business days needs the business days it counts")
        return self.business_days.after(moment, int(self.amount))

    def in_words(self) -> str:
        amount = f"{self.amount:g}"
        if self.unit is OffsetUnit.HOURS:
            return f"{amount} hour{'' if self.amount == 1 else 's'}"
        if self.unit is OffsetUnit.MONTHS:
            return f"{amount} month{'' if self.amount == 1 else 's'}"
        region = self.business_days.country if self.business_days else "?"
        if self.business_days and self.business_days.subdivision:
            region += f"-{self.business_days.subdivision}"
        return f"{amount} business day{'' if self.amount == 1 else 's'} ({region})"
