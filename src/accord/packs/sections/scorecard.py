"""The scorecard pages of the board pack, read from the joint scorecard (accord.metrics): every key
risk indicator against the thresholds the CIO and the CISO agreed, and a handful of key performance
indicators with their monthly trend. The values and their words are the scorecard's own, so the pack
says what /scorecard/ says on the same day."""

from __future__ import annotations

from typing import Any

from accord.core import money
from accord.metrics import selectors as metrics
from accord.packs.sections import PackInput, SectionResult, board_section

TRENDED_KPIS = 6
STATUS_WORDS = {"red": "red", "amber": "amber", "green": "green"}


def _value_text(value: float | None, unit: str, currency: str) -> str:
    if value is None:
        return money.NO_VALUE
    if unit == currency:
        return money.compact(value, currency)
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.1f} {unit}"


def _trend(metric: Any, currency: str) -> dict[str, Any]:
    points = [(day.isoformat(), value) for day, value in metric.trend if value is not None]
    if len(points) < 2:
        return {"points": points, "text": "no trend yet: fewer than two monthly snapshots"}
    (first_day, first), (last_day, last) = points[0], points[-1]
    return {"points": points, "text": f"{_value_text(first, metric.unit, currency)} on {first_day} to "
                                       f"{_value_text(last, metric.unit, currency)} on {last_day}"}


def _sparkline(points: list[tuple[str, float]]) -> Any:
    from accord.core.charts import PALETTE, chart

    with chart(width=1.9, height=0.55) as (_fig, ax, picture):
        ax.plot(range(len(points)), [v for _, v in points], color=PALETTE["accent"], linewidth=1.4)
        ax.plot([len(points) - 1], [points[-1][1]], "o", color=PALETTE["accent"], markersize=3)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
    return picture


def _row(metric: Any, currency: str) -> dict[str, Any]:
    return {"key": metric.key, "label": metric.label, "value": metric.value, "display": metric.display,
            "unit": metric.unit, "status": metric.status,
            "status_text": STATUS_WORDS.get(metric.status) or ("not measured" if metric.value is None else "no threshold"),
            "thresholds": metric.thresholds, "formula": metric.formula,
            "as_of": metric.as_of.isoformat(), "trend": _trend(metric, currency)}


@board_section("kris", title="Key risk indicators against thresholds", order=30, template="packs/print/kris.html",
               new_page=True)
def kris_section(pack: PackInput) -> SectionResult:
    card = metrics.scorecard(pack.viewer, as_of=pack.as_of)
    rows = [_row(m, pack.currency) for m in card.metrics if m.kind == "kri"]
    counts = {colour: sum(1 for r in rows if r["status"] == colour) for colour in ("red", "amber", "green")}
    return SectionResult({"as_of": card.as_of.isoformat(), "rows": rows, "counts": counts})


def _a_handful(kpis: list[Any]) -> list[Any]:
    """Up to TRENDED_KPIS indicators, spread over the scorecard's groups (risk, vulnerabilities,
    reviews, incidents, portfolio) rather than six of one kind; within that, those with a trend first
    (the point of this page), then the scorecard's own order."""
    ranked = sorted(kpis, key=lambda m: sum(1 for _, v in m.trend if v is not None) < 2)
    chosen: list[Any] = []
    seen: set[str] = set()
    for metric in ranked:  # the best of each group first
        if metric.group not in seen:
            chosen.append(metric)
            seen.add(metric.group)
    chosen += [m for m in ranked if m not in chosen]
    picked = chosen[:TRENDED_KPIS]
    return sorted(picked, key=kpis.index)  # printed in the scorecard's order


@board_section("kpis", title="Key performance indicators and their trend", order=40,
               template="packs/print/kpis.html")
def kpis_section(pack: PackInput) -> SectionResult:
    card = metrics.scorecard(pack.viewer, as_of=pack.as_of)
    kpis = [m for m in card.metrics if m.kind == "kpi" and m.value is not None]
    rows = [_row(m, pack.currency) for m in _a_handful(kpis)]
    sparklines = {r["key"]: _sparkline(r["trend"]["points"]) for r in rows if len(r["trend"]["points"]) >= 2}
    return SectionResult({"as_of": card.as_of.isoformat(), "rows": rows}, {"sparklines": sparklines})
