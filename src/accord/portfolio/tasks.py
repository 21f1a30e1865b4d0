"""Long work of the portfolio, as jobs: the spend-versus-risk frontier of a large instance."""

from __future__ import annotations

from typing import Any

from accord.jobs.registry import JobRun, register


@register("portfolio.frontier", "Compute the portfolio frontier", capability="portfolio.read")
def frontier(run: JobRun) -> dict[str, Any]:
    """Compute and keep the frontier for the budget scenario's current instance (the page reads it
    from the cache, keyed by the instance's hash, so a later change computes a new one)."""
    from accord.portfolio import planning, selectors

    scenario = selectors.budget_scenario_by_id(run.actor, int(run.args["budget_scenario"]))
    run.progress(0.1, "building the instance from the initiatives and risk estimates")
    plan = planning.build_plan(run.actor, scenario)
    run.progress(0.2, f"solving {planning.FRONTIER_POINTS} budgets over {len(plan.instance.initiatives)} initiatives")
    document = planning.frontier_document(plan)
    return {"points": len(document["points"]), "instance": plan.hash, "url": f"/portfolio/?scenario={scenario.pk}"}
