"""Public holidays by country and subdivision, from the `holidays` package, cached per year.

`holidays` is imported on first use (about 0.1 s), so importing the clocks costs nothing until a
calendar with a country is built. Only the package's default category counts (public holidays):
bank, school or optional holidays do not close a working day.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache


@lru_cache(maxsize=512)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of `country` (and `subdivision`) in `year`, observed days included."""
    import holidays

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@lru_cache(maxsize=128)
def region_problem(country: str, subdivision: str | None) -> str | None:
    """Why `holidays` cannot give holidays for this country and subdivision, or None when it can."""
    import holidays

    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as exc:  # how `holidays` says "unknown country or subdivision"
        return str(exc)
    return None
