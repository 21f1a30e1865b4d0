"""Read a portfolio instance from plain JSON data, refusing anything wrong with the field path named.

Every check happens before anything is built, so a refused instance never reaches the solver. Unknown
keys are refused too: a misspelt `anual_cost` silently read as 0 would understate the budget.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from accord.engine.portfolio.errors import InvalidInstance
from accord.engine.portfolio.model import Effect, Initiative, Instance, Scenario, requirement_closure

_TOP_KEYS = {"scenarios", "initiatives", "capacity", "horizon_years", "discount_rate"}
_SCENARIO_KEYS = {"id", "ale", "title"}
_INITIATIVE_KEYS = {
    "id",
    "title",
    "cost",
    "annual_cost",
    "capacity",
    "effects",
    "requires",
    "excludes",
    "mandatory",
}
_EFFECT_KEYS = {"scenario", "reduction"}


def instance_from_json(text: str) -> Instance:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInstance(f"line {exc.lineno}", f"not valid JSON: {exc.msg}") from exc
    return parse_instance(data)


def parse_instance(data: Any) -> Instance:
    top = _object(data, "instance", _TOP_KEYS)
    scenarios = tuple(
        _scenario(item, f"scenarios[{k}]")
        for k, item in enumerate(_list(top, "scenarios", "", required=True))
    )
    if not scenarios:
        raise InvalidInstance("scenarios", "at least one scenario is needed")
    _unique([s.id for s in scenarios], "scenarios", suffix=".id")

    capacity = _capacity(top.get("capacity"), "capacity")
    teams = set(capacity or {})
    scenario_ids = {s.id for s in scenarios}
    initiatives = tuple(
        _initiative(item, f"initiatives[{k}]", scenario_ids, teams)
        for k, item in enumerate(_list(top, "initiatives", "", required=True))
    )
    _unique([it.id for it in initiatives], "initiatives", suffix=".id")

    horizon = top.get("horizon_years")
    if horizon is None:
        raise InvalidInstance(
            "horizon_years", "is required (the budget covers one-off + annual cost x years)"
        )
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise InvalidInstance("horizon_years", "must be a whole number of years >= 1")
    discount_rate = _number(top.get("discount_rate", 0.0), "discount_rate", low=0.0, high=1.0)

    instance = Instance(
        scenarios=scenarios,
        initiatives=initiatives,
        horizon_years=horizon,
        capacity=capacity,
        discount_rate=discount_rate,
    )
    _check_dependencies(instance)
    return instance


# -- cross-initiative rules ---------------------------------------------------------------------------


def _check_dependencies(instance: Instance) -> None:
    known = instance.initiative_index
    for k, it in enumerate(instance.initiatives):
        for field in ("requires", "excludes"):
            for j, other in enumerate(getattr(it, field)):
                if other not in known:
                    raise InvalidInstance(f"initiatives[{k}].{field}[{j}]", f"unknown initiative {other!r}")
                if other == it.id:
                    raise InvalidInstance(
                        f"initiatives[{k}].{field}[{j}]", "an initiative cannot name itself"
                    )

    excluded = instance.excluded_pairs()
    # An initiative whose requirements exclude each other can never be selected: almost surely a
    # data error, so refuse it rather than silently never choosing it.
    for k, it in enumerate(instance.initiatives):
        conflict = _excluded_pair_in(requirement_closure(instance, [it.id]), excluded)
        if conflict:
            a, b = conflict
            raise InvalidInstance(
                f"initiatives[{k}].requires",
                f"{it.id!r} needs both {a!r} and {b!r} (through requires), but they exclude each other",
            )

    forced = instance.forced
    conflict = _excluded_pair_in(forced, excluded)
    if conflict:
        a, b = conflict
        k = next(k for k, it in enumerate(instance.initiatives) if it.mandatory)
        raise InvalidInstance(
            f"initiatives[{k}].mandatory",
            f"mandatory initiatives (with what they require) include {a!r} and {b!r}, which exclude each other",
        )
    for team, limit in (instance.capacity or {}).items():
        used = sum((it.capacity or {}).get(team, 0.0) for it in instance.initiatives if it.id in forced)
        if used > limit + 1e-9:
            raise InvalidInstance(
                f"capacity.{team}",
                f"{limit:g} available but the mandatory initiatives (with what they require) need {used:g}",
            )


def _excluded_pair_in(ids: frozenset[str], excluded: set[frozenset[str]]) -> tuple[str, str] | None:
    for pair in excluded:
        if pair <= ids:
            a, b = sorted(pair)
            return a, b
    return None


# -- one record at a time -----------------------------------------------------------------------------


def _scenario(item: Any, path: str) -> Scenario:
    obj = _object(item, path, _SCENARIO_KEYS)
    return Scenario(id=_id(obj, path), ale=_number(obj.get("ale"), f"{path}.ale", low=0.0))


def _initiative(item: Any, path: str, scenario_ids: set[str], teams: set[str]) -> Initiative:
    obj = _object(item, path, _INITIATIVE_KEYS)
    effects = []
    for j, raw in enumerate(_list(obj, "effects", path)):
        epath = f"{path}.effects[{j}]"
        eobj = _object(raw, epath, _EFFECT_KEYS)
        scenario = eobj.get("scenario")
        if not isinstance(scenario, str) or scenario not in scenario_ids:
            raise InvalidInstance(f"{epath}.scenario", f"unknown scenario {scenario!r}")
        reduction = _number(eobj.get("reduction"), f"{epath}.reduction", low=0.0, high=1.0)
        effects.append(Effect(scenario=scenario, reduction=reduction))
    _unique([e.scenario for e in effects], f"{path}.effects", what="scenario")

    capacity = _capacity(obj.get("capacity"), f"{path}.capacity")
    for team in capacity or {}:
        if team not in teams:
            raise InvalidInstance(f"{path}.capacity.{team}", "unknown team: not in the instance's capacity")

    mandatory = obj.get("mandatory", False)
    if not isinstance(mandatory, bool):
        raise InvalidInstance(f"{path}.mandatory", "must be true or false")
    return Initiative(
        id=_id(obj, path),
        cost=_number(obj.get("cost"), f"{path}.cost", low=0.0),
        annual_cost=_number(obj.get("annual_cost", 0.0), f"{path}.annual_cost", low=0.0),
        capacity=capacity,
        effects=tuple(effects),
        requires=_ids(obj, "requires", path),
        excludes=_ids(obj, "excludes", path),
        mandatory=mandatory,
    )


def _capacity(raw: Any, path: str) -> Mapping[str, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInstance(path, "must be an object mapping team to units")
    out = {}
    for team, units in raw.items():
        if not team:
            raise InvalidInstance(path, "team names must be non-empty")
        out[team] = _number(units, f"{path}.{team}", low=0.0)
    return MappingProxyType(out)


# -- field primitives ---------------------------------------------------------------------------------


def _object(item: Any, path: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidInstance(path, "must be an object")
    for key in item:
        if key not in allowed:
            raise InvalidInstance(f"{path}.{key}" if path != "instance" else key, "unknown field")
    return item


def _list(obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> list[Any]:
    full = f"{path}.{key}" if path else key
    if key not in obj:
        if required:
            raise InvalidInstance(full, "is required")
        return []
    value = obj[key]
    if not isinstance(value, list):
        raise InvalidInstance(full, "must be a list")
    return value


def _id(obj: dict[str, Any], path: str) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInstance(f"{path}.id", "must be a non-empty string")
    return value


def _ids(obj: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    values = _list(obj, key, path)
    for j, value in enumerate(values):
        if not isinstance(value, str):
            raise InvalidInstance(f"{path}.{key}[{j}]", "must be an initiative id (a string)")
    _unique(values, f"{path}.{key}", what="id")
    return tuple(values)


def _number(value: Any, path: str, *, low: float, high: float | None = None) -> float:
    if value is None:
        raise InvalidInstance(path, "is required")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInstance(path, "must be a finite number")
    if high is None and value < low:
        raise InvalidInstance(path, f"must be >= {low:g}")
    if high is not None and not low <= value <= high:
        raise InvalidInstance(path, f"must be between {low:g} and {high:g}")
    return float(value)


def _unique(values: list[str], path: str, *, what: str = "id", suffix: str = "") -> None:
    seen: set[str] = set()
    for k, value in enumerate(values):
        if value in seen:
            raise InvalidInstance(f"{path}[{k}]{suffix}", f"duplicate {what} {value!r}")
        seen.add(value)
