"""The frontier chart (residual loss against spend) and the helpers the portfolio pages share."""

from __future__ import annotations

from typing import Any

from matplotlib.ticker import FuncFormatter

from accord.core.charts import PALETTE, Chart, chart
from accord.core.money import compact


def frontier_chart(frontier: dict[str, Any], *, currency: str, budget: float | None = None) -> Chart:
    """Residual annual loss of the best set against its spend over the horizon.

    Marks: the break-even point (past it the next euro buys less than a euro of loss reduction), the
    Gordon-Loeb ceiling (1/e of the expected loss over the horizon, a sanity line) and the budget.
    """
    points = frontier["points"]
    spend = [p["spend"] for p in points]
    residual = [p["residual_ale"] for p in points]
    axis = FuncFormatter(lambda value, _: compact(value) if value > 0 else "0")
    with chart(width=7.2, height=3.6) as (_fig, ax, picture):
        ax.step(spend, residual, where="post", color=PALETTE["accent"], linewidth=1.8, label="best set for the spend")
        ax.plot(spend, residual, "o", color=PALETTE["accent"], markersize=3.5)
        ax.axhline(frontier["total_ale"], color=PALETTE["muted"], linestyle=":", linewidth=1,
                   label="expected loss with nothing funded")
        k = frontier["break_even"]
        ax.plot([spend[k]], [residual[k]], "D", color=PALETTE["ok"], markersize=8,
                label=f"break-even ({compact(spend[k], currency)})")
        top = max([*spend, budget or 0.0]) * 1.05 or 1.0
        ceiling = frontier["gordon_loeb_ceiling"]
        if ceiling <= top * 1.5:
            ax.axvline(ceiling, color=PALETTE["bad"], linestyle="--", linewidth=1.2,
                       label=f"Gordon-Loeb ceiling ({compact(ceiling, currency)})")
        else:
            ax.plot([], [], " ", label=f"Gordon-Loeb ceiling {compact(ceiling, currency)} (off the chart)")
        if budget is not None:
            ax.axvline(budget, color=PALETTE["warn"], linewidth=1.2, label=f"budget ({compact(budget, currency)})")
        ax.set_ylim(bottom=0, top=frontier["total_ale"] * 1.08 or 1.0)
        ax.set_xlim(left=0)
        ax.xaxis.set_major_formatter(axis)
        ax.yaxis.set_major_formatter(axis)
        ax.set_xlabel(f"spend over {frontier['horizon_years']} years ({currency})", fontsize=8, color=PALETTE["muted"])
        ax.set_ylabel(f"residual loss a year ({currency})", fontsize=8, color=PALETTE["muted"])
        ax.legend(fontsize=7.5, frameon=False, loc="upper right")
    return picture
