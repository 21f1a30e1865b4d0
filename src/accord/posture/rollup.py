"""Roll-up of subcategory scores (0 to 4) to categories, functions and the whole framework.

Two modes:

- `mean`: the mean of the scored subcategories under the element; unscored ones are left out (and
  counted, so the page says "12 of 31 scored"). None when nothing under it is scored.
- `strict`: all-or-nothing, in the manner of C2M2 maturity levels: an element reaches level L only
  when every subcategory under it reaches L, so its level is the lowest score under it, and an
  unscored subcategory counts as 0 (not evidenced). None when nothing under it is scored.

Gaps: to target = target - current; to benchmark = benchmark - current. Positive means behind. A
benchmark gives values per category and/or function; a function without its own value takes the mean
of its categories' values. Figures are rounded to two decimals once, here, so every page, the API and
the command line print the same number. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from accord.posture.frameworks import Framework

MEAN, STRICT = "mean", "strict"
MODES = (MEAN, STRICT)
OVERALL = "ALL"


def _round(value: float | None) -> float | None:
    """Two decimals, halves away from zero (2.125 -> 2.13), as people round by hand."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def roll_up(scores: Mapping[str, int | None], members: Sequence[str], mode: str) -> float | None:
    """The level of an element whose subcategories are `members`, from `scores` (id -> 0..4 or None)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    values = [scores.get(m) for m in members]
    scored = [v for v in values if v is not None]
    if not scored:
        return None
    if mode == MEAN:
        return _round(sum(scored) / len(scored))
    return float(min(v if v is not None else 0 for v in values))


@dataclass(frozen=True)
class Row:
    """One function, category or the whole framework (`OVERALL`), rolled up."""

    id: str
    title: str
    level: str  # "function", "category" or "overall"
    function_id: str
    current: float | None
    target: float | None
    benchmark: float | None
    scored: int  # subcategories with a current score
    total: int

    @property
    def gap_to_target(self) -> float | None:
        return _round(self.target - self.current) if self.target is not None and self.current is not None else None

    @property
    def gap_to_benchmark(self) -> float | None:
        if self.benchmark is None or self.current is None:
            return None
        return _round(self.benchmark - self.current)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "level": self.level, "function_id": self.function_id,
                "current": self.current, "target": self.target, "benchmark": self.benchmark,
                "gap_to_target": self.gap_to_target, "gap_to_benchmark": self.gap_to_benchmark,
                "scored": self.scored, "total": self.total}


def _mean(values: Sequence[float]) -> float | None:
    return _round(sum(values) / len(values)) if values else None


def function_benchmarks(framework: Framework, benchmark: Mapping[str, float]) -> dict[str, float | None]:
    """Each function's benchmark: its own value, else the mean of its categories' values."""
    out: dict[str, float | None] = {}
    for function in framework.functions:
        own = benchmark.get(function.id)
        out[function.id] = _round(own) if own is not None else _mean(
            [benchmark[c.id] for c in function.categories if c.id in benchmark])
    return out


@dataclass(frozen=True)
class RolledUp:
    overall: Row
    functions: list[Row]
    categories: list[Row]


def roll_up_profile(framework: Framework, *, current: Mapping[str, int | None], target: Mapping[str, int | None],
                    benchmark: Mapping[str, float], mode: str) -> RolledUp:
    """Every category and function of `framework` rolled up in `mode`, with gaps to target and benchmark."""
    per_function = function_benchmarks(framework, benchmark)

    def row(ident: str, title: str, level: str, function_id: str, members: Sequence[str],
            bench: float | None) -> Row:
        return Row(ident, title, level, function_id, roll_up(current, members, mode), roll_up(target, members, mode),
                   bench, sum(1 for m in members if current.get(m) is not None), len(members))

    categories = [row(c.id, c.title, "category", c.function_id, [s.id for s in c.subcategories],
                      _round(benchmark[c.id]) if c.id in benchmark else None) for c in framework.categories()]
    functions = [row(f.id, f.title, "function", f.id, [s.id for s in f.subcategories], per_function[f.id])
                 for f in framework.functions]
    overall = row(OVERALL, framework.title, "overall", "", framework.subcategory_ids(),
                  _mean([b for b in per_function.values() if b is not None]))
    return RolledUp(overall, functions, categories)
