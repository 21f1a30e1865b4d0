"""Long work of the patch planner, as jobs: generating a plan with its frontier."""

from __future__ import annotations

from typing import Any

from accord.jobs.registry import JobRun, register


@register("patching.generate", "Generate a patch plan", capability="patch.write")
def generate(run: JobRun) -> dict[str, Any]:
    from accord.patching import services

    run.progress(0.05, "reading findings and windows")
    args = run.args
    plan = services.generate_plan(actor=run.actor, horizon_days=args.get("horizon_days", 91),
                                  disruption_budget=args.get("disruption_budget"),
                                  time_limit=args.get("time_limit", 10.0),
                                  frontier_points=args.get("frontier_points", 5))
    return {"plan": plan.pk, "seconds": plan.duration_seconds, "url": f"/patching/plans/{plan.pk}/",
            "summary": f"Patch plan #{plan.pk} in {plan.duration_seconds:.1f} s"}
