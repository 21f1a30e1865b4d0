"""Formatting the sections share, so a figure reads the same in every section and in the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accord.core import clock, money


def day(moment: datetime | None) -> str:
    """The organisation's calendar day of a moment, as 2026-11-30 ("" for none)."""
    return clock.day_of(moment).isoformat() if moment is not None else ""


def money_text(value: float | None, currency: str) -> str:
    """An amount as the pack prints it: EUR 1.25M."""
    return money.compact(value, currency)


def range_text(low: float, high: float, currency: str) -> str:
    """A 90% range with the currency once: EUR 1.1M to 3.4M."""
    if money.compact(low) == money.compact(high):
        return money.compact(low, currency)
    return f"{money.compact(low, currency)} to {money.compact(high)}"


def percent_text(value: float | None, digits: int = 1) -> str:
    if value is None:
        return money.NO_VALUE
    return f"{value * 100:.{digits}f}%"


def run_facts(run: Any) -> dict[str, Any]:
    """What lets a simulation figure be re-run: the run's id, seed, simulated years, engine version
    and the day it was made (printed as a footnote)."""
    return {"id": run.pk, "seed": run.seed, "years": run.years, "years_text": f"{run.years:,}",
            "engine_version": run.engine_version, "date": day(run.created_at)}

