"""Review SLA clocks in business time: the one place the organisation's working calendar is built
(`working_calendar`), and a review's clock read from its transitions (`clock_of`).

The clock runs from the request, in the calendar's working hours (time zone TIME_ZONE, the
configured weekdays and hours, the public holidays of the configured country and subdivision), and
stops while the review waits on the requester. A decided review's clock stops at the decision.
Every business-time sum is the clock engine's (`accord.engine.clocks`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone

from accord.core import clock
from accord.engine.clocks import WorkingCalendar, clock_state
from accord.reviews.models import Review, ReviewSettings, ReviewState, Transition

Pause = tuple[datetime, datetime | None]


def calendar_settings() -> ReviewSettings:
    """The settings row, or the defaults (09:00-17:00, Monday to Friday, no holidays) before anyone saved it."""
    return ReviewSettings.objects.filter(pk=1).first() or ReviewSettings(pk=1)


def zone_name() -> str:
    zone = clock.zone()
    return str(getattr(zone, "key", None) or zone)


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def working_calendar(row: ReviewSettings | None = None) -> WorkingCalendar:
    """The organisation's working calendar for review clocks."""
    row = row or calendar_settings()
    hours = tuple((day, _hhmm(row.day_start), _hhmm(row.day_end)) for day in row.weekdays())
    return WorkingCalendar("reviews", zone=zone_name(), hours=hours, country=row.country or None,
                           subdivision=row.subdivision or None)


def hours_per_day(row: ReviewSettings | None = None) -> float:
    """A business day in hours: the calendar's working hours in one working day."""
    row = row or calendar_settings()
    start = row.day_start.hour * 60 + row.day_start.minute
    end = row.day_end.hour * 60 + row.day_end.minute
    return (end - start) / 60.0


def hours_of(days: Decimal, row: ReviewSettings | None = None) -> float:
    return float(days) * hours_per_day(row)


def pauses_of(transitions: Iterable[Transition]) -> list[Pause]:
    """The spans a review waited on its requester: from each move into `waiting` to the move out of it
    (None while it still waits)."""
    pauses: list[Pause] = []
    started: datetime | None = None
    for step in sorted(transitions, key=lambda t: (t.at, t.pk or 0)):
        if step.to_state == ReviewState.WAITING and started is None:
            started = step.at
        elif step.from_state == ReviewState.WAITING and started is not None:
            pauses.append((started, step.at))
            started = None
    if started is not None:
        pauses.append((started, None))
    return pauses


@dataclass(frozen=True)
class ReviewClock:
    sla_hours: float
    due: datetime | None  # None while paused: the due moment moves with the pause
    remaining_hours: float  # business hours left (negative: over)
    elapsed_hours: float  # business hours on the clock, pauses left out
    breached: bool
    paused: bool
    stopped: bool  # decided: the clock stopped at the decision

    @property
    def over_hours(self) -> float:
        """Business hours past the SLA (0 when within it)."""
        return max(0.0, -self.remaining_hours)

    @property
    def used_percent(self) -> float:
        """Share of the SLA used, 0 to 100 (for a progress bar)."""
        return min(100.0, max(0.0, 100.0 * self.elapsed_hours / self.sla_hours)) if self.sla_hours else 100.0

    @property
    def state(self) -> str:
        """"breached", "paused", "met", "due_soon" (a quarter of the SLA or less left) or "running"."""
        if self.breached:
            return "breached"
        if self.stopped:
            return "met"
        if self.paused:
            return "paused"
        return "due_soon" if self.remaining_hours <= 0.25 * self.sla_hours else "running"


def clock_of(review: Review, *, calendar: WorkingCalendar | None = None, now: datetime | None = None,
             transitions: Sequence[Transition] | None = None) -> ReviewClock:
    """The review's clock now (or at its decision, when decided)."""
    calendar = calendar or working_calendar()
    steps = list(review.transitions.all()) if transitions is None else list(transitions)
    stopped = review.decided_at is not None
    at = review.decided_at if review.decided_at is not None else (now or timezone.now())
    at = max(at, review.requested_at)
    pauses = [(start, end if end is None or end <= at else at) for start, end in pauses_of(steps) if start <= at]
    state = clock_state(calendar, review.requested_at, review.sla_hours, at, pauses=pauses)
    paused = state.paused and not stopped
    return ReviewClock(sla_hours=review.sla_hours, due=None if paused else state.due,
                       remaining_hours=state.remaining_hours, elapsed_hours=review.sla_hours - state.remaining_hours,
                       breached=state.breached, paused=paused, stopped=stopped)
