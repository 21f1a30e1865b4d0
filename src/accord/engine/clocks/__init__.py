"""Clocks: business-time SLA clocks and regulatory deadlines, pure Python (no Django).

- `business_due`, `business_elapsed`, `clock_state`: working hours on a `WorkingCalendar` (weekly
  hours in local wall time, public holidays from the `holidays` package, pauses).
- `regime_deadlines`: the deadlines of a regulatory `Regime` (GDPR, NIS2, SEC, DORA, ...) from the
  moments known so far; regimes are data files in `REGIMES_DIR`, read by `load_regime(s)`.

docs/clocks.md explains the rules and the legal basis of each regime.
"""

from accord.engine.clocks.business_time import ClockState, business_due, business_elapsed, clock_state
from accord.engine.clocks.calendar_file import CALENDARS_FILE, load_calendars
from accord.engine.clocks.errors import ClockInputError, InvalidClockFile, MissingMoments
from accord.engine.clocks.offsets import BusinessDays, Offset, OffsetUnit, add_months
from accord.engine.clocks.regime_file import REGIMES_DIR, load_regime, load_regimes
from accord.engine.clocks.regimes import (
    MOMENT_MEANINGS,
    MOMENTS,
    Cap,
    Deadline,
    DeadlineRule,
    Regime,
    regime_deadlines,
)
from accord.engine.clocks.working_calendar import WorkingCalendar

__all__ = [
    "CALENDARS_FILE",
    "MOMENTS",
    "MOMENT_MEANINGS",
    "REGIMES_DIR",
    "BusinessDays",
    "Cap",
    "ClockInputError",
    "ClockState",
    "Deadline",
    "DeadlineRule",
    "InvalidClockFile",
    "MissingMoments",
    "Offset",
    "OffsetUnit",
    "Regime",
    "WorkingCalendar",
    "add_months",
    "business_due",
    "business_elapsed",
    "clock_state",
    "load_calendars",
    "load_regime",
    "load_regimes",
    "regime_deadlines",
]
