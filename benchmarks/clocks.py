"""Business-time arithmetic throughput: business_due calls per second on calendars with public holidays.

Random (seeded) starts over three years, 2026-2028, and budgets of 0 to 80 working hours (up to two
working weeks on a 09:00-17:00 calendar), on the built-in calendars de-be (Berlin holidays) and us-ny
(US federal holidays). Each is timed twice over the same inputs: "cold" with every cache emptied first
(holiday years and each calendar's days of working intervals are then computed on first use), and
"warm" with the caches filled, as in a long-running server. business_elapsed and clock_state (with
one closed pause) are timed warm over the same starts. The start-up line is the import of the engine,
reading the calendars file and the first call, with its year of holidays, in a fresh process.

Run: .venv/bin/python benchmarks/clocks.py [--calls 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def _clear_caches() -> None:
    from accord.engine.clocks.holiday_dates import public_holidays, region_problem
    from accord.engine.clocks.working_calendar import schedule_of

    public_holidays.cache_clear()
    region_problem.cache_clear()
    schedule_of.cache_clear()


def _rate(calls: int, run: Callable[[], None]) -> tuple[float, float]:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    return calls / seconds, seconds * 1e6 / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    from accord.engine.clocks import business_due, business_elapsed, clock_state, load_calendars

    calendars = load_calendars()  # imports yaml and holidays, checks each calendar's country
    business_due(calendars["de-be"], datetime(2026, 12, 4, 15, tzinfo=UTC), 8)
    start_up_ms = (time.perf_counter() - started) * 1000
    generator = random.Random(args.seed)
    first, span = datetime(2026, 1, 1, tzinfo=UTC), 3 * 365 * 24 * 60
    starts = [first + timedelta(minutes=generator.randrange(span)) for _ in range(args.calls)]
    budgets = [generator.uniform(0, 80) for _ in range(args.calls)]
    ends = [start + timedelta(hours=generator.uniform(0, 24 * 14)) for start in starts]
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.calls:,} calls each, seed {args.seed}")
    print(f"start-up (import, calendars file, first call with its holiday year): {start_up_ms:.0f} ms")
    print(f"{'calendar':8} {'call':34} {'calls/s':>10} {'µs/call':>8}")
    for name in ("de-be", "us-ny"):
        calendar = calendars[name]

        def dues(calendar=calendar) -> None:
            for start, hours in zip(starts, budgets, strict=True):
                business_due(calendar, start, hours)

        def elapsed(calendar=calendar) -> None:
            for start, end in zip(starts, ends, strict=True):
                business_elapsed(calendar, start, end)

        def states(calendar=calendar) -> None:
            for start, hours, now in zip(starts, budgets, ends, strict=True):
                clock_state(calendar, start, hours, now, pauses=[(start + timedelta(hours=2), start + timedelta(hours=30))])

        _clear_caches()
        rows = [("business_due, cold caches", _rate(args.calls, dues)),
                ("business_due, warm caches", _rate(args.calls, dues)),
                ("business_elapsed (0-14 days), warm", _rate(args.calls, elapsed)),
                ("clock_state with a pause, warm", _rate(args.calls, states))]
        for label, (per_second, microseconds) in rows:
            print(f"{name:8} {label:34} {per_second:10,.0f} {microseconds:8.1f}")


if __name__ == "__main__":
    main()
