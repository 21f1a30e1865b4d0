"""Split an instance into independent pieces by maintenance group.

Two groups must be planned together when a capacity-limited window serves both (they compete
for its changes) or when a cluster has members in both (they compete for its "down" slots).
Everything else about a group (its assets, jobs, window lengths) is private to it, so the
connected components of that relation are independent problems, except for a global disruption
budget, which the planner splits between them (see planner.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from accord.engine.patching.model import Instance


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


@dataclass(frozen=True)
class Piece:
    groups: frozenset[str]
    instance: Instance  # the sub-instance, with the parent's breach penalty and no budget


def split_by_group(instance: Instance) -> list[Piece]:
    links = _UnionFind()
    for asset in instance.assets:
        links.find(asset.group)
    for window in instance.windows:
        if window.max_changes is not None and instance.is_usable(window):
            for group in window.groups[1:]:
                links.union(window.groups[0], group)
    cluster_group: dict[str, str] = {}
    for asset in instance.assets:
        if asset.cluster is None:
            continue
        if asset.cluster in cluster_group:
            links.union(cluster_group[asset.cluster], asset.group)
        else:
            cluster_group[asset.cluster] = asset.group

    members: dict[str, set[str]] = {}
    for asset in instance.assets:
        members.setdefault(links.find(asset.group), set()).add(asset.group)
    pieces: list[Piece] = []
    for groups in members.values():
        assets = tuple(a for a in instance.assets if a.group in groups)
        asset_ids = {a.id for a in assets}
        cluster_ids = {a.cluster for a in assets if a.cluster is not None}
        sub = replace(
            instance,
            windows=tuple(w for w in instance.windows if groups.intersection(w.groups)),
            assets=assets,
            jobs=tuple(j for j in instance.jobs if j.asset in asset_ids),
            clusters=tuple(c for c in instance.clusters if c.id in cluster_ids),
            breach_penalty=instance.penalty,  # the default depends on all jobs: pin it
            disruption_budget=None,
        )
        pieces.append(Piece(frozenset(groups), sub))
    pieces.sort(key=lambda piece: min(piece.groups))
    return pieces


def split_budget(
    budget: float, reference: Mapping[int, float], weight: Mapping[int, float]
) -> dict[int, float]:
    """Give every piece its reference spend (a plan known to be feasible, so warm starts stay
    feasible) and share what is left of the budget in proportion to `weight`."""
    spare = max(budget - sum(reference.values()), 0.0)
    total_weight = sum(weight.values())
    shares = {
        k: reference[k] + (spare * weight[k] / total_weight if total_weight > 0 else spare / len(reference))
        for k in reference
    }
    return shares
