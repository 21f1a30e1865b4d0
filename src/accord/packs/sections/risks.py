"""The risk register's pages of the board pack: the bottom line against the board's appetite, and
the top loss scenarios with their 90% ranges and how they moved since the quarter began.

Every figure comes from the risk register's selectors, exactly as /risks/ and /risks/portfolio/ show
it: each scenario's own latest run, their plain sum as the total expected loss, and the total's 90%
range and appetite checks from the latest run of all open scenarios together.
"""

from __future__ import annotations

from typing import Any

from accord.packs.sections import PackInput, SectionResult, board_section
from accord.packs.sections.common import day, money_text, percent_text, range_text, run_facts
from accord.risks import selectors as risks

TOP_SCENARIOS = 5


def _appetite_rows(run: Any, currency: str) -> list[dict[str, Any]]:
    return [{"loss": float(c["loss"]), "loss_text": money_text(c["loss"], currency),
             "tolerance": float(c["tolerance"]), "tolerance_text": percent_text(c["tolerance"]),
             "probability": float(c["probability"]), "probability_text": percent_text(c["probability"]),
             "within": bool(c["within"])}
            for c in (run.result.get("appetite") or [])] if run is not None else []


def _verdict(scenarios: int, run: Any, appetite: list[dict[str, Any]]) -> str:
    if not scenarios:
        return "The risk register has no simulated open scenario yet."
    if run is None:
        return "The open scenarios have not been simulated together yet, so the total is not checked against appetite."
    if not appetite:
        return "The board has not set a risk appetite, so the total is not checked against one."
    breaches = [a for a in appetite if not a["within"]]
    if not breaches:
        return "All open risks together are within the board's appetite at every point it set."
    worst = max(breaches, key=lambda a: a["probability"] - a["tolerance"])
    return (f"All open risks together exceed the board's appetite: a year losing more than {worst['loss_text']} "
            f"is {worst['probability_text']} likely, where the board tolerates {worst['tolerance_text']}.")


@board_section("bottom_line", title="The bottom line against appetite", order=10,
               template="packs/print/bottom_line.html")
def bottom_line(pack: PackInput) -> SectionResult:
    from accord.risks.charts import lec_chart

    figures = risks.portfolio_figures(pack.viewer)
    run = figures.run
    currency = pack.currency
    appetite = _appetite_rows(run, currency)
    within = None if run is None or not appetite else all(a["within"] for a in appetite)
    data: dict[str, Any] = {
        "as_of": pack.as_of.isoformat(), "currency": currency, "open_scenarios": len(figures.scenarios),
        "expected_loss": figures.plain_sum, "expected_loss_text": money_text(figures.plain_sum, currency),
        "range": None, "appetite": appetite, "within_appetite": within,
        "verdict": _verdict(len(figures.scenarios), run, appetite),
        "above_appetite": [f.scenario.name for f in risks.above_appetite(figures)],
        "total_current": figures.current, "changed_since_total": figures.out_of_date, "run": None,
    }
    context: dict[str, Any] = {}
    if run is not None:
        stats = run.result.get("portfolio") or {}
        data["range"] = {"low": run.p5, "high": run.p95, "text": range_text(run.p5, run.p95, currency),
                         "p99": stats.get("p99"), "p99_text": money_text(stats.get("p99"), currency),
                         "as_of": day(run.created_at)}
        data["run"] = run_facts(run)
        if stats.get("lec"):
            context["lec"] = lec_chart([("all open risks together", stats["lec"], "solid")],
                                       run.spec.get("appetite") or [], run.currency)
    return SectionResult(data, context)


def _trend(pack: PackInput, scenario: Any, mean: float) -> dict[str, Any]:
    """The scenario's mean at the start of the quarter (its latest run then) against now."""
    before = risks.runs_of(pack.viewer, scenario).filter(created_at__lt=pack.quarter.starts_at).first()
    if before is None:
        return {"then": None, "then_text": "", "change": None,
                "text": f"first simulated on {day(scenario.latest_run.created_at)}: no earlier figure"}
    change = mean - before.mean
    if abs(change) < 0.005 * max(before.mean, 1.0):  # under half a percent: simulation noise, not a trend
        text = "about unchanged"
    else:
        text = f"{'up' if change > 0 else 'down'} {money_text(abs(change), pack.currency)}"
    return {"then": before.mean, "then_text": money_text(before.mean, pack.currency), "change": change,
            "text": f"{text} since {pack.quarter.start.isoformat()} (then {money_text(before.mean, pack.currency)})"}


def _short(name: str, limit: int = 38) -> str:
    """A chart label that fits beside its bar (the table below gives the whole name)."""
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "\u2026"


@board_section("top_scenarios", title="Top loss scenarios", order=20, template="packs/print/top_scenarios.html",
               new_page=True)
def top_scenarios(pack: PackInput) -> SectionResult:
    from accord.reports.charts import interval_chart

    figures = risks.portfolio_figures(pack.viewer)
    above = {f.scenario.slug for f in risks.above_appetite(figures)}
    rows: list[dict[str, Any]] = []
    for f in figures.scenarios[:TOP_SCENARIOS]:
        run = f.run
        rows.append({"slug": f.scenario.slug, "name": f.scenario.name, "mean": run.mean,
                     "mean_text": money_text(run.mean, pack.currency), "low": run.p5, "high": run.p95,
                     "range_text": range_text(run.p5, run.p95, pack.currency),
                     "above_appetite": f.scenario.slug in above, "trend": _trend(pack, f.scenario, run.mean),
                     "run": run_facts(run)})
    context: dict[str, Any] = {}
    if rows:
        context["chart"] = interval_chart([(_short(str(r["name"])), float(r["low"]), float(r["high"])) for r in rows],
                                          formatter=lambda v: money_text(v, pack.currency),
                                          title=f"A year's loss, 90% range ({pack.currency})")
    data = {"as_of": pack.as_of.isoformat(), "currency": pack.currency, "shown": len(rows),
            "open_scenarios": len(figures.scenarios), "rows": rows}
    return SectionResult(data, context)
