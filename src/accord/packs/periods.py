"""Calendar quarters, the periods a board pack covers: "2026Q4" is 1 October to 31 December 2026."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from accord.core import clock
from accord.core.errors import ValidationFailed

QUARTER_FORMAT = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.following.start - timedelta(days=1)

    @property
    def following(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def starts_at(self) -> datetime:
        """The quarter's first instant in the organisation's time zone."""
        return datetime.combine(self.start, time(0), tzinfo=clock.zone())

    @property
    def ends_at(self) -> datetime:
        """The first instant after the quarter (its end, exclusive), in the organisation's time zone."""
        return clock.end_of_day(self.end)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year} ({self.start:%-d %B} to {self.end:%-d %B %Y})"


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_complete_quarter(today: date | None = None) -> Quarter:
    """The latest quarter that has ended: the default period of a board pack."""
    return quarter_of(today or clock.today()).previous


def recent_quarters(today: date | None = None, *, count: int = 6) -> list[Quarter]:
    """The current quarter and the `count - 1` before it, newest first (the period picker's choices)."""
    quarters = [quarter_of(today or clock.today())]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous)
    return quarters


def parse_quarter(text: str, *, today: date | None = None, field: str = "period") -> Quarter:
    """A quarter written as 2026Q4; refused, naming `field`, when malformed or not yet begun."""
    match = QUARTER_FORMAT.match(text or "")
    if match is None:
        raise ValidationFailed.field(field, f"{text!r} is not a quarter: write the year, Q and the quarter's "
                                            "number, e.g. 2026Q4")
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if not FIRST_YEAR <= quarter.year <= LAST_YEAR:
        raise ValidationFailed.field(field, f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    today = today or clock.today()
    if quarter.start > today:
        raise ValidationFailed.field(field, f"{quarter} has not begun yet (today is {today.isoformat()})")
    return quarter
