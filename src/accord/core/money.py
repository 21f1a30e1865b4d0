"""Money as every page, chart, command and report shows it: always with its currency.

Pure Python (no Django), so the command line and the engines' file-based commands use the same
rules as the pages. `compact` is for tiles and chart axes (EUR 1.25M), `full` for tables and
sentences (EUR 1,250,000).
"""

from __future__ import annotations

import math

NO_VALUE = "\u2013"  # an en dash, for a figure that does not exist


def _number(value: float | int | str | None) -> float | None:
    if value is None or value == "":
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def compact(value: float | int | str | None, currency: str = "") -> str:
    """1.25M, 594k, 950, with the currency in front when given."""
    number = _number(value)
    if number is None:
        return NO_VALUE
    size = abs(number)
    text = f"{number:,.0f}"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            digits = 2 if size < 10 * limit else 1 if size < 100 * limit else 0
            text = f"{number / limit:,.{digits}f}{suffix}"
            break
    return f"{currency} {text}".strip()


def full(value: float | int | str | None, currency: str = "", *, cents: bool = False) -> str:
    """1,250,000 (or 1,250,000.00 with `cents`), with the currency in front when given. Amounts
    under 100 keep their cents, so a small figure never reads as a rounded 0 or 1."""
    number = _number(value)
    if number is None:
        return NO_VALUE
    digits = 2 if cents or 0 < abs(number) < 100 else 0
    return f"{currency} {number:,.{digits}f}".strip()
