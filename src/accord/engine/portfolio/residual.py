"""The exact multiplicative residual: the ground truth every solver answer is checked against.

Residual ALE of scenario s under a set S = ALE_s x prod over i in S of (1 - reduction_is). Two
initiatives that each remove 50% of a scenario leave 25% of it, not 0%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from accord.engine.portfolio.model import Instance


def selection_mask(instance: Instance, selected: Iterable[str]) -> np.ndarray:
    """Boolean mask over the instance's initiatives; unknown ids raise KeyError."""
    mask = np.zeros(len(instance.initiatives), dtype=bool)
    for initiative_id in selected:
        mask[instance.initiative_index[initiative_id]] = True
    return mask


def residual_by_scenario(instance: Instance, mask: np.ndarray) -> np.ndarray:
    """Residual ALE per scenario, shape (m,), for the initiatives where `mask` is true."""
    kept = np.prod(1.0 - instance.reductions[mask], axis=0)
    return instance.ale * kept


def residual_ale(instance: Instance, mask: np.ndarray) -> float:
    return float(residual_by_scenario(instance, mask).sum())


@dataclass(frozen=True)
class Contribution:
    """What one initiative adds inside a set: the residual with the whole set and without it alone."""

    initiative: str
    residual_with: float
    residual_without: float

    @property
    def marginal_reduction(self) -> float:
        return self.residual_without - self.residual_with


def marginal_contributions(instance: Instance, selected: Iterable[str]) -> list[Contribution]:
    """Each selected initiative's marginal loss reduction given all the others are kept.

    Because effects multiply, these marginals do not sum to the set's total reduction: overlapping
    initiatives each look smaller inside the set than alone (the sum is at most the total when all
    effects are on shared scenarios, and equal when no two initiatives touch the same scenario).
    """
    ids = list(dict.fromkeys(selected))
    mask = selection_mask(instance, ids)
    with_all = residual_ale(instance, mask)
    contributions = []
    for initiative_id in ids:
        without = mask.copy()
        without[instance.initiative_index[initiative_id]] = False
        contributions.append(
            Contribution(
                initiative_id, residual_with=with_all, residual_without=residual_ale(instance, without)
            )
        )
    return contributions


def standalone_reduction(instance: Instance, initiative_id: str) -> float:
    """Delta ALE of one initiative on its own: sum over its scenarios of ALE x reduction."""
    row = instance.reductions[instance.initiative_index[initiative_id]]
    return float(instance.ale @ row)
