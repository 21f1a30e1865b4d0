"""Seeded random portfolio instances, for the tests and the benchmark.

The generator writes plain JSON-shaped data and goes through `parse_instance`, so every instance it
returns has passed the same validation as a user's file. Dependencies are drawn so they can never
contradict each other: excludes only join initiatives that take part in no requires relation, and
mandatory initiatives are never excluded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.engine.portfolio.instance import parse_instance
from accord.engine.portfolio.model import Instance


def random_instance_data(
    rng: np.random.Generator,
    n_initiatives: int,
    n_scenarios: int,
    *,
    effects_per_initiative: tuple[int, int] = (1, 4),
    requires_share: float = 0.1,
    excludes_share: float = 0.05,
    mandatory_share: float = 0.03,
    teams: int = 3,
    horizon_years: int = 3,
) -> dict[str, Any]:
    n, m = n_initiatives, n_scenarios
    scenarios = [
        {"id": f"s{s}", "ale": float(round(rng.lognormal(mean=13.5, sigma=1.0), 2))} for s in range(m)
    ]
    team_names = [f"team{k}" for k in range(teams)]
    initiatives: list[dict[str, Any]] = []
    for i in range(n):
        cost = float(round(rng.uniform(20_000, 400_000), 2))
        k = int(rng.integers(effects_per_initiative[0], min(effects_per_initiative[1], m) + 1))
        targets = rng.choice(m, size=k, replace=False)
        initiative: dict[str, Any] = {
            "id": f"i{i}",
            "cost": cost,
            "annual_cost": float(round(cost * rng.uniform(0.0, 0.3), 2)),
            "effects": [
                {"scenario": f"s{s}", "reduction": float(round(rng.uniform(0.05, 0.6), 4))} for s in targets
            ],
            "requires": [],
            "excludes": [],
            "mandatory": False,
        }
        if teams and rng.random() < 0.7:
            initiative["capacity"] = {str(rng.choice(team_names)): int(rng.integers(1, 4))}
        initiatives.append(initiative)

    in_requires: set[int] = set()
    for i in range(1, n):
        if rng.random() < requires_share:
            j = int(rng.integers(0, i))  # towards lower indices: no cycles, simple chains
            initiatives[i]["requires"].append(f"i{j}")
            in_requires |= {i, j}
    free = [i for i in range(n) if i not in in_requires]
    excluded: set[int] = set()
    for _ in range(int(excludes_share * n)):
        if len(free) < 2:
            break
        a, b = (int(v) for v in rng.choice(free, size=2, replace=False))
        if f"i{b}" not in initiatives[a]["excludes"]:
            initiatives[a]["excludes"].append(f"i{b}")
            excluded |= {a, b}
    candidates = [i for i in range(n) if i not in excluded]
    for i in candidates:
        if rng.random() < mandatory_share:
            initiatives[i]["mandatory"] = True

    capacity = {}
    for team in team_names:
        demand = sum(it.get("capacity", {}).get(team, 0) for it in initiatives)
        capacity[team] = float(max(np.ceil(0.4 * demand), 1.0))
    data = {
        "scenarios": scenarios,
        "initiatives": initiatives,
        "capacity": capacity,
        "horizon_years": horizon_years,
        "discount_rate": 0.08,
    }
    _make_forced_fit(data)
    return data


def random_instance(
    rng: np.random.Generator, n_initiatives: int, n_scenarios: int, **kwargs: Any
) -> Instance:
    return parse_instance(random_instance_data(rng, n_initiatives, n_scenarios, **kwargs))


def _make_forced_fit(data: dict[str, Any]) -> None:
    """Raise team capacities so the mandatory initiatives (and what they require) always fit."""
    by_id = {it["id"]: it for it in data["initiatives"]}
    forced: set[str] = set()
    todo = [it["id"] for it in data["initiatives"] if it["mandatory"]]
    while todo:
        current = todo.pop()
        if current not in forced:
            forced.add(current)
            todo.extend(by_id[current]["requires"])
    for team in data["capacity"]:
        used = sum(by_id[i].get("capacity", {}).get(team, 0) for i in forced)
        data["capacity"][team] = max(data["capacity"][team], float(used))
