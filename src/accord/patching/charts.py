"""The trade-off chart: expected loss against downtime cost, in money, with the greedy baseline."""

from __future__ import annotations

from typing import Any

from matplotlib.ticker import FuncFormatter

from accord.core.charts import PALETTE, Chart, chart
from accord.core.money import compact
from accord.patching.selectors import TradeoffPoint


def tradeoff_chart(greedy: dict[str, Any], points: list[TradeoffPoint], currency: str) -> Chart:
    """Points numbered as in the table below the chart; the chosen point is ringed; the dashed line
    through the recommended point joins plans with the same downtime plus expected loss, so any
    point above it costs more in total."""
    by_downtime = sorted(points, key=lambda p: (p.disruption_cost, p.exposure))
    unit = currency or "index"
    with chart(width=7.2, height=3.6, title="Expected loss against downtime cost") as (_fig, ax, picture):
        ax.plot([p.disruption_cost for p in by_downtime], [p.exposure for p in by_downtime], "o-",
                color=PALETTE["accent"], linewidth=1.6, markersize=5, label="trade-off frontier")
        for p in by_downtime:
            ax.annotate(str(p.index + 1), (p.disruption_cost, p.exposure), textcoords="offset points",
                        xytext=(5, 5), fontsize=8, color=PALETTE["accent"])
        ax.plot([greedy["disruption_cost"]], [greedy["exposure"]], "s", color=PALETTE["warn"], markersize=7,
                label="greedy baseline")
        recommended = next((p for p in points if p.recommended and p.total_cost is not None), None)
        if recommended is not None and currency:
            total = recommended.total_cost or 0.0
            right = max(p.disruption_cost for p in points) or 1.0
            xs = [0.0, min(total, right)]
            ax.plot(xs, [total - x for x in xs], "--", color=PALETTE["ok"], linewidth=1.0,
                    label="same downtime + loss as recommended")
            ax.plot([recommended.disruption_cost], [recommended.exposure], "D", color=PALETTE["ok"],
                    markersize=7, label="recommended")
        chosen = next((p for p in points if p.chosen), None)
        if chosen is not None:
            ax.plot([chosen.disruption_cost], [chosen.exposure], "o", markersize=14, markerfacecolor="none",
                    markeredgecolor=PALETTE["bad"], markeredgewidth=1.6, label="shown")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v, currency)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v, currency)))
        ax.set_xlabel(f"downtime cost of the plan ({unit})", fontsize=8, color=PALETTE["muted"])
        ax.set_ylabel(f"expected loss over the horizon ({unit})", fontsize=8, color=PALETTE["muted"])
        ax.legend(fontsize=7, frameon=False)
    return picture
