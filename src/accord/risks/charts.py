"""The register's pictures: loss exceedance curves against appetite, and the tornado (SVG, matplotlib)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.ticker import FuncFormatter, PercentFormatter

from accord.core.charts import PALETTE, Chart, chart
from accord.core.money import compact


def _money_axis(currency: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _: compact(value, currency) if value > 0 else "0")


def lec_chart(series: Sequence[tuple[str, list[list[float]], str]], appetite: Sequence[Sequence[float]],
              currency: str, *, title: str = "") -> Chart:
    """Probability of losing more than x in a year, on a log-scaled loss axis, with the appetite points
    (the board's tolerance) joined as a line: where a curve lies above it, the risk exceeds appetite."""
    styles = {"solid": (PALETTE["accent"], "-"), "dashed": (PALETTE["ok"], "--"), "muted": (PALETTE["muted"], ":")}
    with chart(width=7.2, height=3.6, title=title) as (_fig, ax, picture):
        drawn = False
        for label, points, style in series:
            visible = [(x, p) for x, p in points if x > 0]
            if not visible:
                continue
            colour, line = styles.get(style, styles["solid"])
            ax.plot([x for x, _ in visible], [p for _, p in visible], line, color=colour, linewidth=1.8, label=label)
            drawn = True
        if appetite:
            ax.plot([float(x) for x, _ in appetite], [float(p) for _, p in appetite], "o-", color=PALETTE["bad"],
                    linewidth=1.2, markersize=5, label="appetite (board tolerance)")
            drawn = True
        if drawn:
            ax.set_xscale("log")
            ax.legend(fontsize=8, frameon=False)
        ax.xaxis.set_major_formatter(_money_axis(currency))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(bottom=0)
        ax.set_xlabel(f"annual loss ({currency}, log scale)", fontsize=8, color=PALETTE["muted"])
        ax.set_ylabel("P(annual loss > x)", fontsize=8, color=PALETTE["muted"])
    return picture


def tornado_chart(tornado: dict[str, Any], currency: str) -> Chart:
    """Mean annual loss with each input at its 10th and 90th percentile, largest swing on top."""
    bars = list(reversed(tornado.get("bars") or []))
    base = float(tornado.get("base_mean") or 0.0)
    height = 1.0 + 0.42 * max(len(bars), 1)
    with chart(width=7.2, height=height) as (_fig, ax, picture):
        for row, bar in enumerate(bars):
            low, high = float(bar["mean_at_low"]), float(bar["mean_at_high"])
            ax.barh(row, low - base, left=base, color=PALETTE["ok"], height=0.6)
            ax.barh(row, high - base, left=base, color=PALETTE["bad"], height=0.6)
        ax.set_yticks(range(len(bars)), [b["input"].replace("_", " ") for b in bars], fontsize=8)
        ax.axvline(base, color=PALETTE["ink"], linewidth=1)
        ax.xaxis.set_major_formatter(_money_axis(currency))
        ax.set_xlabel(f"mean annual loss ({currency}); green: input at its 10th percentile, red: at its 90th",
                      fontsize=8, color=PALETTE["muted"])
    return picture
