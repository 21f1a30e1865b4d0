"""Charts as inline SVG, drawn with matplotlib, so the same picture serves the page and the PDF.

Usage: `with chart(width=7, height=3.5) as (fig, ax): ax.plot(...)`, then put `chart.svg` into the
template (it is already marked safe). Matplotlib runs headless (Agg) and its SVG carries no script.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from django.utils.safestring import SafeString, mark_safe
from matplotlib.axes import Axes
from matplotlib.figure import Figure

PALETTE = {"ink": "#1d2433", "muted": "#667085", "accent": "#1f5fbf", "bad": "#b42318", "ok": "#1e7b4a",
           "warn": "#b54708", "soft": "#e8f0fc", "line": "#e3e6ec"}


# Labels are people's text (service names, titles): never matplotlib's math syntax. With it on, a
# service called "$x$ cash" is typeset and an unbalanced "$" raises and fails the whole page.
PLAIN_TEXT: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}
matplotlib.rcParams.update(PLAIN_TEXT)


@dataclass
class Chart:
    svg: SafeString = field(default_factory=lambda: mark_safe(""))


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(PALETTE["line"])
    ax.tick_params(colors=PALETTE["muted"], labelsize=8)
    ax.grid(True, color=PALETTE["line"], linewidth=0.6)
    ax.set_axisbelow(True)


@contextmanager
def chart(*, width: float = 7.0, height: float = 3.6, title: str = "") -> Iterator[tuple[Figure, Axes, Chart]]:
    """Draw on (fig, ax); on exit the result's `.svg` holds the picture as an inline <svg> element."""
    with plt.rc_context(PLAIN_TEXT):
        fig, ax = plt.subplots(figsize=(width, height))
    result = Chart()
    try:
        _style(ax)
        if title:
            ax.set_title(title, fontsize=10, color=PALETTE["ink"], loc="left")
        yield fig, ax, result
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype so it can sit inside HTML
        # Matplotlib's own SVG, from our numbers and labels (auto-escaped by matplotlib's writer).
        result.svg = mark_safe(svg)  # noqa: S308
    finally:
        plt.close(fig)
