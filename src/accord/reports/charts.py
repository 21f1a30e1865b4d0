"""Charts that reports share, drawn with matplotlib as SVG (accord.core.charts), so the page and the
PDF show the same picture."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence

from matplotlib.ticker import FuncFormatter, MaxNLocator

from accord.core.charts import PALETTE, Chart, chart


def interval_chart(rows: Sequence[tuple[str, float, float]], *, formatter: Callable[[float], str],
                   title: str = "", highlight_last: bool = False, width: float = 6.4) -> Chart:
    """One horizontal bar per row from its low to its high end (a 90% range), labelled at both ends.
    With `highlight_last`, the last row (a total) is drawn in the accent colour, the others muted."""
    height = 0.9 + 0.55 * max(len(rows), 1)
    with chart(width=width, height=height, title=title) as (_fig, ax, result):
        top = max((high for _, _, high in rows), default=1.0) or 1.0
        for index, (_label, low, high) in enumerate(rows):
            y = len(rows) - 1 - index
            last = highlight_last and index == len(rows) - 1
            colour = PALETTE["accent"] if last or not highlight_last else PALETTE["muted"]
            ax.barh(y, max(high - low, top * 0.004), left=low, height=0.45, color=colour, alpha=0.85)
            ax.text(high + top * 0.01, y, formatter(high), va="center", fontsize=8, color=PALETTE["ink"])
            ax.text(low - top * 0.01, y, formatter(low), va="center", ha="right", fontsize=8, color=PALETTE["ink"])
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([label for label, _, _ in reversed(rows)], fontsize=8)
        ax.set_xlim(-top * 0.18, top * 1.22)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=2))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: formatter(value) if value >= 0 else ""))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
    return result


def svg_data_uri(svg: str) -> str:
    """An SVG as a data: URI, for an <img> in a PDF (the fetcher loads nothing else)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
