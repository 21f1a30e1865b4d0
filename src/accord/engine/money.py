"""Money rules shared by every engine: annualised cost and ROSI, defined once.

ROSI (return on security investment) answers "how many euros of expected loss does a euro of this
measure's yearly cost remove, net of that cost?":

    ROSI = (ΔALE - annualised cost) / annualised cost

* ΔALE is the expected (mean) annual loss the measure removes, from the risk engine.
* The annualised cost is what the measure costs in a typical year: its running cost a year plus its
  one-off cost spread over the horizon like a loan repaid in equal instalments at the discount rate
  (the capital recovery factor rate / (1 - (1 + rate)^-years), or 1 / years at a rate of 0).
  A control of the risk register has a yearly cost only, so its annualised cost is that cost.
* ROSI is positive exactly when the measure's net present value over the horizon is positive, and
  undefined (None) for a measure that costs nothing.

The risk engine (controls), the portfolio engine (initiatives) and every page, command and API field
that shows a ROSI use these functions. Callers check their inputs (costs >= 0, years >= 1, rate in
[0, 1]) and name the field that is wrong.
"""

from __future__ import annotations


def capital_recovery_factor(rate: float, years: int) -> float:
    """The share of a one-off cost charged to each year of the horizon (1 / years without discounting)."""
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years)


def annualised_cost(one_off: float, annual: float, years: int, rate: float) -> float:
    """Running cost a year plus the one-off cost spread over `years` at `rate`."""
    return annual + one_off * capital_recovery_factor(rate, years)


def rosi(delta_ale: float, annualised: float) -> float | None:
    """(ΔALE - annualised cost) / annualised cost; None when the measure costs nothing (undefined)."""
    if annualised <= 0:
        return None
    return (delta_ale - annualised) / annualised
