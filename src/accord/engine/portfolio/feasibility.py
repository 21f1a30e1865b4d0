"""Which rules a selection breaks: budget, capacity, requires, excludes, mandatory.

Used to check every solver answer (and by the brute force in the tests), so it restates the rules
directly from the instance rather than from the MILP rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from accord.engine.portfolio.model import Instance

_SLACK = 1e-6  # relative slack on budget and capacity, for floating-point sums


def selection_cost(instance: Instance, selected: Iterable[str]) -> float:
    """Total cost over the horizon (one-off + annual x years) of the selected initiatives."""
    return float(sum(instance.horizon_costs[instance.initiative_index[i]] for i in set(selected)))


def violations(instance: Instance, selected: Iterable[str], budget: float) -> list[str]:
    chosen = set(selected)
    by_id = {it.id: it for it in instance.initiatives}
    problems = []
    cost = selection_cost(instance, chosen)
    if cost > budget * (1 + _SLACK) + _SLACK:
        problems.append(f"cost {cost:,.2f} exceeds budget {budget:,.2f}")
    for team, limit in (instance.capacity or {}).items():
        used = sum((by_id[i].capacity or {}).get(team, 0.0) for i in chosen)
        if used > limit * (1 + _SLACK) + _SLACK:
            problems.append(f"team {team}: {used:g} used, {limit:g} available")
    for initiative_id in sorted(chosen):
        it = by_id[initiative_id]
        problems += [f"{it.id} requires {r}" for r in it.requires if r not in chosen]
        problems += [f"{it.id} excludes {x}" for x in it.excludes if x in chosen]
    problems += [
        f"{it.id} is mandatory" for it in instance.initiatives if it.mandatory and it.id not in chosen
    ]
    return problems
