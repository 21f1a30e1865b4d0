"""Quarters: the format a board pack's period is written in, and the ones refused."""

from __future__ import annotations

from datetime import date

import pytest

from accord.core.errors import ValidationFailed
from accord.packs.periods import Quarter, last_complete_quarter, parse_quarter, quarter_of, recent_quarters

TODAY = date(2026, 12, 1)


def test_a_quarter_has_its_days():
    q4 = parse_quarter("2026Q4", today=TODAY)
    assert q4 == Quarter(2026, 4) and str(q4) == "2026Q4"
    assert (q4.start, q4.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert (Quarter(2024, 1).start, Quarter(2024, 1).end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert parse_quarter(" 2026q3 ", today=TODAY) == Quarter(2026, 3)


def test_the_default_is_the_last_complete_quarter():
    assert last_complete_quarter(TODAY) == Quarter(2026, 3)
    assert last_complete_quarter(date(2026, 1, 5)) == Quarter(2025, 4)
    assert quarter_of(date(2026, 3, 31)) == Quarter(2026, 1)
    assert [str(q) for q in recent_quarters(TODAY, count=3)] == ["2026Q4", "2026Q3", "2026Q2"]


@pytest.mark.parametrize(("text", "words"), [
    ("2026Q5", "not a quarter"), ("2026-Q4", "not a quarter"), ("Q4 2026", "not a quarter"), ("", "not a quarter"),
    ("26Q4", "not a quarter"), ("1999Q4", "between 2000 and 2100"), ("2027Q1", "has not begun yet"),
])
def test_a_bad_period_is_refused_naming_the_field(text, words):
    with pytest.raises(ValidationFailed) as caught:
        parse_quarter(text, today=TODAY)
    problem = caught.value.problems[0]
    assert problem.field == "period" and words in problem.message
