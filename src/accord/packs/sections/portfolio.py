"""The portfolio page of the board pack: what the approved selection of security initiatives costs
against its budget, and how much expected loss a year it buys down.

The selection is the one approved for the fiscal year the quarter falls in; when that year has none,
the most recent approved selection, named with its own fiscal year. Spend is the planned spend over
the budget's horizon (one-off costs plus running costs times years), as the portfolio area counts it:
Accord does not track invoices.
"""

from __future__ import annotations

from typing import Any

from accord.packs.sections import PackInput, SectionResult, board_section
from accord.packs.sections.common import day, money_text, percent_text
from accord.portfolio import selectors as portfolio


def _funded(pack: PackInput) -> Any:
    approved = portfolio.selections(pack.viewer).filter(status="approved")
    same_year = approved.filter(budget_scenario__fiscal_year=pack.quarter.year).order_by("-id").first()
    return same_year or approved.order_by("-budget_scenario__fiscal_year", "-id").first()


def _chart(spend: float, budget: float, before: float, after: float, currency: str) -> Any:
    from accord.core.charts import PALETTE, chart

    with chart(width=6.4, height=1.9) as (_fig, ax, picture):
        rows = [("Expected loss a year", before, after, "before", "after"),
                ("Spend over the horizon", budget, spend, "budget", "planned")]
        for y, (_label, full, part, full_name, part_name) in enumerate(reversed(rows)):
            ax.barh(y, full, height=0.55, color=PALETTE["soft"], edgecolor=PALETTE["line"])
            ax.barh(y, part, height=0.3, color=PALETTE["accent"])
            ax.text(full, y + 0.32, f"{full_name} {money_text(full, currency)}", fontsize=7, ha="right",
                    color=PALETTE["muted"])
            ax.text(part, y - 0.34, f"{part_name} {money_text(part, currency)}", fontsize=7, ha="left",
                    color=PALETTE["ink"], va="top")
        ax.set_yticks([0, 1], [rows[1][0], rows[0][0]], fontsize=8)
        ax.set_xticks([])
        ax.set_ylim(-0.8, 1.6)
        ax.grid(False)
    return picture


@board_section("portfolio", title="Security spend and risk bought down", order=50,
               template="packs/print/portfolio.html", new_page=True)
def portfolio_section(pack: PackInput) -> SectionResult:
    selection = _funded(pack)
    currency = pack.currency
    if selection is None:
        return SectionResult({"as_of": pack.as_of.isoformat(), "currency": currency, "selection": None,
                              "fiscal_year_wanted": pack.quarter.year})
    scenario = selection.budget_scenario
    decided = selection.decision.decided_on.isoformat() if selection.decision is not None else day(selection.created_at)
    initiatives = sorted(selection.initiatives.all(), key=lambda i: (-i.horizon_cost(scenario.horizon_years), i.title))
    by_status: dict[str, int] = {}
    for initiative in initiatives:
        label = initiative.get_status_display()
        by_status[label] = by_status.get(label, 0) + 1
    share = selection.cost / selection.budget if selection.budget else None
    data = {
        "as_of": decided, "currency": currency, "fiscal_year_wanted": pack.quarter.year,
        "selection": {
            "id": selection.pk, "fiscal_year": scenario.fiscal_year, "budget_scenario": scenario.name,
            "same_year": scenario.fiscal_year == pack.quarter.year, "approved_on": decided,
            "horizon_years": scenario.horizon_years,
            "spend": selection.cost, "spend_text": money_text(selection.cost, currency),
            "budget": selection.budget, "budget_text": money_text(selection.budget, currency),
            "spend_share_text": percent_text(share, 0),
            "loss_before": selection.total_ale, "loss_before_text": money_text(selection.total_ale, currency),
            "loss_after": selection.residual_ale, "loss_after_text": money_text(selection.residual_ale, currency),
            "reduction": selection.risk_reduction, "reduction_text": money_text(selection.risk_reduction, currency),
            "initiatives": len(initiatives), "by_status": by_status,
            "engine_version": selection.engine_version, "seed": selection.seed,
            "instance_hash": selection.instance_hash,
        },
        "rows": [{"title": i.title, "status": i.get_status_display(),
                  "cost": i.horizon_cost(scenario.horizon_years),
                  "cost_text": money_text(i.horizon_cost(scenario.horizon_years), currency)}
                 for i in initiatives[:8]],
    }
    context = {"chart": _chart(selection.cost, selection.budget, selection.total_ale, selection.residual_ale,
                               currency)}
    return SectionResult(data, context)
