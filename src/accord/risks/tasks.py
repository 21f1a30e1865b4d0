"""Long work of the risk register, as jobs: simulating every scenario, one job per scenario."""

from __future__ import annotations

from typing import Any

from accord.jobs.registry import JobRun, register
from accord.jobs.services import fan_out


@register("risks.simulate_all", "Simulate every open risk scenario", capability="risk.write")
def simulate_all(run: JobRun) -> dict[str, Any]:
    """One child job per open scenario: workers run them side by side. Each scenario is simulated
    with its own seed, so the numbers are the same whatever the number of workers."""
    from accord.risks.services import portfolio_scenarios

    force = bool(run.args.get("force", False))
    parts = [(f"Simulate {s.name}", {"slug": s.slug, "force": force}) for s in portfolio_scenarios()]
    return fan_out(run, kind="risks.simulate_one", parts=parts)


@register("risks.simulate_one", "Simulate one risk scenario", capability="risk.write")
def simulate_one(run: JobRun) -> dict[str, Any]:
    from accord.risks import selectors, services

    scenario = selectors.scenario_by_slug(run.actor, str(run.args.get("slug", "")))
    result = services.simulate_scenario(actor=run.actor, scenario=scenario, force=bool(run.args.get("force")))
    return {"slug": scenario.slug, "run": result.pk, "mean": result.mean, "input_hash": result.input_hash,
            "url": f"/risks/scenarios/{scenario.slug}/"}
