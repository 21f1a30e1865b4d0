"""Money views of an initiative or a selection: ROSI, NPV, payback, cost by year.

Conventions (also in docs/portfolio.md):

* The one-off cost is paid at the start (t = 0, not discounted). The annual running cost and the
  loss reduction (delta ALE) fall at the end of each year t = 1..horizon_years, discounted by
  (1 + rate)^t.
* Annualised cost and ROSI are the engine-wide definitions of `accord.engine.money` (re-exported
  here): annual cost + one-off cost x capital recovery factor, and
  ROSI = (delta ALE - annualised cost) / annualised cost.
* Payback is the time (in years, interpolated linearly inside a year) at which the cumulative
  cash flow turns non-negative; None when it does not within the horizon.
* Cost by year: year 1 carries the one-off costs plus the first year's running costs; the total
  over the years equals the budget measure, one-off + annual x years.

The delta ALE and its 90% range come from the risk engine (common random numbers); the range is
carried through every formula, which is monotone in delta ALE, so low maps to low and high to high.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accord.engine.money import annualised_cost, capital_recovery_factor, rosi
from accord.engine.portfolio.errors import InvalidInstance
from accord.engine.portfolio.model import Instance

__all__ = [
    "InitiativeFinance",
    "Spread",
    "YearCost",
    "annualised_cost",
    "capital_recovery_factor",
    "cost_by_year",
    "initiative_finance",
    "npv",
    "payback_years",
    "rosi",
]


def _check(years: int, rate: float, one_off: float, annual: float) -> None:
    if years < 1:
        raise InvalidInstance("horizon_years", "must be a whole number of years >= 1")
    if not 0.0 <= rate <= 1.0:
        raise InvalidInstance("discount_rate", "must be between 0 and 1")
    if one_off < 0:
        raise InvalidInstance("cost", "must be >= 0")
    if annual < 0:
        raise InvalidInstance("annual_cost", "must be >= 0")


def npv(delta_ale: float, one_off: float, annual: float, years: int, rate: float) -> float:
    _check(years, rate, one_off, annual)
    flow = delta_ale - annual
    return -one_off + sum(flow / (1.0 + rate) ** t for t in range(1, years + 1))


def payback_years(
    delta_ale: float, one_off: float, annual: float, years: int, rate: float, *, discounted: bool = False
) -> float | None:
    _check(years, rate, one_off, annual)
    position = -one_off
    if position >= 0:
        return 0.0
    for t in range(1, years + 1):
        flow = (delta_ale - annual) / ((1.0 + rate) ** t if discounted else 1.0)
        if flow > 0 and position + flow >= 0:
            return t - 1 + (-position / flow)
        position += flow
    return None


@dataclass(frozen=True)
class Spread:
    """A figure at the low end of delta ALE's 90% range, at its estimate, and at the high end.

    Not sorted: payback is longest at the low end of delta ALE, so `at_low` is then the largest.
    """

    at_low: float | None
    at_estimate: float | None
    at_high: float | None


@dataclass(frozen=True)
class InitiativeFinance:
    delta_ale: Spread
    annualised_cost: float
    rosi: Spread
    npv: Spread
    payback_years: Spread  # undiscounted
    discounted_payback_years: Spread


def initiative_finance(
    *,
    delta_ale: float,
    delta_ale_90: tuple[float, float],
    one_off: float,
    annual: float,
    years: int,
    rate: float,
) -> InitiativeFinance:
    """ROSI, NPV and payback at the delta ALE estimate and at both ends of its 90% range."""
    low, high = delta_ale_90
    if low > high:
        raise InvalidInstance("delta_ale_90", "low end must not exceed the high end")
    _check(years, rate, one_off, annual)
    cost = annualised_cost(one_off, annual, years, rate)

    def over(fn: Callable[[float], float | None]) -> Spread:
        return Spread(fn(low), fn(delta_ale), fn(high))

    return InitiativeFinance(
        delta_ale=Spread(low, delta_ale, high),
        annualised_cost=cost,
        rosi=over(lambda d: rosi(d, cost)),
        npv=over(lambda d: npv(d, one_off, annual, years, rate)),
        payback_years=over(lambda d: payback_years(d, one_off, annual, years, rate)),
        discounted_payback_years=over(
            lambda d: payback_years(d, one_off, annual, years, rate, discounted=True)
        ),
    )


@dataclass(frozen=True)
class YearCost:
    year: int  # 1..horizon_years
    one_off: float
    running: float

    @property
    def total(self) -> float:
        return self.one_off + self.running


def cost_by_year(instance: Instance, selected: Iterable[str]) -> tuple[YearCost, ...]:
    chosen = [instance.initiatives[instance.initiative_index[i]] for i in dict.fromkeys(selected)]
    one_off = sum(it.cost for it in chosen)
    running = sum(it.annual_cost for it in chosen)
    return tuple(
        YearCost(year=y, one_off=one_off if y == 1 else 0.0, running=running)
        for y in range(1, instance.horizon_years + 1)
    )
