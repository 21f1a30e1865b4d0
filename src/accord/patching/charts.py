"""The trade-off chart: exposure against downtime cost, the greedy baseline and the frontier."""

from __future__ import annotations

from typing import Any

from matplotlib.ticker import FuncFormatter

from accord.core.charts import PALETTE, Chart, chart
from accord.patching.selectors import TradeoffPoint


def compact(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:,.1f}{suffix}"
    return f"{value:,.0f}"


def tradeoff_chart(greedy: dict[str, Any], points: list[TradeoffPoint]) -> Chart:
    """Each frontier point is numbered as in the table below the chart; the chosen point is ringed."""
    frontier = sorted((p for p in points if p.index is not None), key=lambda p: p.disruption_cost)
    with chart(width=7.2, height=3.6, title="Exposure against downtime cost") as (_fig, ax, picture):
        if frontier:
            ax.plot([p.disruption_cost for p in frontier], [p.exposure for p in frontier], "o-",
                    color=PALETTE["accent"], linewidth=1.6, markersize=5, label="trade-off frontier")
            for p in frontier:
                ax.annotate(str((p.index or 0) + 1), (p.disruption_cost, p.exposure), textcoords="offset points",
                            xytext=(5, 5), fontsize=8, color=PALETTE["accent"])
        plan = next(p for p in points if p.index is None)
        ax.plot([plan.disruption_cost], [plan.exposure], "D", color=PALETTE["ok"], markersize=7,
                label="optimised plan")
        ax.plot([greedy["disruption_cost"]], [greedy["exposure"]], "s", color=PALETTE["warn"], markersize=7,
                label="greedy baseline")
        chosen = next((p for p in points if p.chosen), None)
        if chosen is not None:
            ax.plot([chosen.disruption_cost], [chosen.exposure], "o", markersize=14, markerfacecolor="none",
                    markeredgecolor=PALETTE["bad"], markeredgewidth=1.6, label="chosen")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v)))
        ax.set_xlabel("downtime cost of the plan", fontsize=8, color=PALETTE["muted"])
        ax.set_ylabel("exposure (risk weight x days open)", fontsize=8, color=PALETTE["muted"])
        ax.legend(fontsize=8, frameon=False)
    return picture
