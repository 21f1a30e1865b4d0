"""Turning scanner text cells into numbers, booleans and timestamps, with errors that say where."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from dateutil import parser as date_parser

from accord.engine.vulns.errors import ScanFileError

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


class CellError(ValueError):
    """A bad cell; the parser re-raises it as `ScanFileError` with the file, line and column."""


def parse_bool(text: str) -> bool | None:
    """yes/no/true/false/1/0 (any case); empty is `None`."""
    value = text.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(f"expected yes/no or true/false, found {text.strip()!r}")


def parse_float(text: str) -> float | None:
    """A plain number (a decimal comma is accepted); empty is `None`."""
    value = text.strip()
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise CellError(f"not a number: {value!r}") from None


def parse_int(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise CellError(f"not a whole number: {value!r}") from None


# "GMT-0400" as Qualys writes it means four hours behind UTC; dateutil reads a sign after a zone
# name the POSIX way (the opposite), so the name is dropped and the offset read as written.
_ZONE_NAME_BEFORE_OFFSET = re.compile(r"\b(?:GMT|UTC)(?=[+-]\d)")


def parse_timestamp(text: str) -> datetime | None:
    """A date or date-time; a naive one is read as UTC (scanner exports are in UTC)."""
    value = text.strip()
    if not value:
        return None
    try:
        parsed = date_parser.parse(_ZONE_NAME_BEFORE_OFFSET.sub("", value))
    except (ValueError, OverflowError):
        raise CellError(f"not a date: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_score(text: str, maximum: float = 10.0) -> float | None:
    """A score from 0 to `maximum` (CVSS and VPR 0-10, EPSS 0-1); empty is `None`."""
    value = parse_float(text)
    if value is not None and not 0.0 <= value <= maximum:
        raise CellError(f"{text.strip()} is out of range 0-{maximum:g}")
    return value


def parse_epoch(text: str) -> datetime | None:
    value = text.strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError):
        raise CellError(f"not a Unix timestamp: {value!r}") from None


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class ScaledNumbers:
    """Reads score cells from exports that may drop the decimal point.

    Some Nessus CSV exports write `75` for a CVSS score of 7.5, `100` for 10.0 and `3833` for an
    EPSS probability of 0.3833. Whether a file does so is decided per file, from the first value
    that settles it: a number with a decimal point means decimals are written; a score above 10
    (or a probability above 1) written without one means the point was dropped. Until then a whole
    number that fits the range is taken as written (`9` is 9.0), which only misreads scores of 1.0
    and below in a file whose first scores are all that low.
    """

    def __init__(self) -> None:
        self.dropped_point: bool | None = None

    def score(self, text: str) -> float | None:
        """A 0-10 score (CVSS, VPR)."""
        return self._read(text, maximum=10.0, divisor=10.0)

    def probability(self, text: str) -> float | None:
        """A 0-1 probability (EPSS); without a point the digits are the four decimals."""
        return self._read(text, maximum=1.0, divisor=10_000.0)

    def _read(self, text: str, *, maximum: float, divisor: float) -> float | None:
        value = text.strip()
        if not value:
            return None
        if "." in value or "," in value:
            number = float(parse_float(value) or 0.0)
            self.dropped_point = False if self.dropped_point is None else self.dropped_point
        else:
            whole = parse_int(value) or 0
            if whole > maximum:
                if self.dropped_point is False:
                    raise CellError(f"{value} is out of range 0-{maximum:g}")
                self.dropped_point = True
            number = whole / divisor if self.dropped_point else float(whole)
        if not 0.0 <= number <= maximum:
            raise CellError(f"{value} is out of range 0-{maximum:g}")
        return number


def cell_error(source: str, line: int, column: str, exc: CellError) -> ScanFileError:
    return ScanFileError(source, f"column {column!r}: {exc}", line=line)
