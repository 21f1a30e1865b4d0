"""Scenario files: reading and checking the YAML/JSON mapping into frozen dataclasses.

Every refusal names the scenario and the field (``scenario bec, field lef.pert: ...``).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

from accord.engine.fair.constants import MAX_YEARS
from accord.engine.fair.distributions import Distribution, Normal, parse_distribution
from accord.engine.fair.errors import InvalidScenario

MODELS = ("event", "rate")
EVENT_KINDS = ("poisson", "bernoulli")
PROBABILITY_FIELDS = ("vulnerability", "secondary_loss_event_frequency")
AMOUNT_FIELDS = ("tef", "lef", "primary_loss", "secondary_loss", "threat_capability", "resistance_strength")
# The order of the inputs in a scenario (also the order of the tornado before sorting).
INPUT_FIELDS = (
    "lef",
    "tef",
    "vulnerability",
    "threat_capability",
    "resistance_strength",
    "primary_loss",
    "secondary_loss_event_frequency",
    "secondary_loss",
)
CONTROL_FACTORS = (
    "tef",
    "lef",
    "vulnerability",
    "primary_loss",
    "secondary_loss",
    "secondary_loss_event_frequency",
)
SCENARIO_KEYS = {"id", "name", "events", "controls", *INPUT_FIELDS}
FILE_KEYS = {"currency", "model", "years", "seed", "appetite", "correlation", "scenarios"}


@dataclass(frozen=True)
class Control:
    """Multiplies one factor of its scenario by (1 - effectiveness); effectiveness is drawn per year."""

    name: str
    factor: str
    effectiveness: Distribution
    annual_cost: float = 0.0

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "factor": self.factor,
            "effectiveness": self.effectiveness.spec(),
            "annual_cost": self.annual_cost,
        }


@dataclass(frozen=True)
class Scenario:
    """One Open FAIR risk scenario. Frequency is `lef`, or `tef` with either a `vulnerability`
    probability or a `threat_capability` / `resistance_strength` pair compared per threat event."""

    id: str
    primary_loss: Distribution
    name: str = ""
    lef: Distribution | None = None
    tef: Distribution | None = None
    vulnerability: Distribution | None = None
    threat_capability: Distribution | None = None
    resistance_strength: Distribution | None = None
    events: str = "poisson"
    secondary_loss_event_frequency: Distribution | None = None
    secondary_loss: Distribution | None = None
    controls: tuple[Control, ...] = field(default=())

    @property
    def frequency(self) -> Distribution:
        found = self.lef if self.lef is not None else self.tef
        assert found is not None  # parse_scenario guarantees one of them  # noqa: S101
        return found

    @property
    def compares_capability(self) -> bool:
        return self.threat_capability is not None

    @property
    def has_secondary(self) -> bool:
        return self.secondary_loss is not None

    def inputs(self) -> dict[str, Distribution]:
        """The distributions this scenario uses, by field name."""
        found = {name: getattr(self, name) for name in INPUT_FIELDS}
        return {name: dist for name, dist in found.items() if dist is not None}

    def with_input(self, name: str, dist: Distribution) -> Scenario:
        return replace(self, **{name: dist})  # type: ignore[arg-type]

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"id": self.id, "name": self.name, "events": self.events}
        spec.update({name: dist.spec() for name, dist in self.inputs().items()})
        if self.controls:
            spec["controls"] = [control.spec() for control in self.controls]
        return spec

    def warnings(self) -> list[str]:
        found = []
        for name, dist in self.inputs().items():
            found += [f"scenario {self.id}, field {name}: {text}" for text in dist.warnings()]
        for i, control in enumerate(self.controls):
            found += [
                f"scenario {self.id}, field controls[{i}].effectiveness: {text}"
                for text in control.effectiveness.warnings()
            ]
        if self.events == "bernoulli" and self.frequency.support()[1] > 1.0:
            found.append(
                f"scenario {self.id}, field {'lef' if self.lef is not None else 'tef'}: with events: bernoulli the "
                "frequency is a yearly probability; draws above 1 count as 1"
            )
        return found


@dataclass(frozen=True)
class Correlation:
    """Rank correlation (Spearman) between the annual losses of the scenarios named in `ids`."""

    ids: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class ScenarioFile:
    scenarios: tuple[Scenario, ...]
    currency: str = "USD"
    model: str | None = None
    years: int | None = None
    seed: int | None = None
    appetite: tuple[tuple[float, float], ...] = ()
    correlation: Correlation | None = None

    def spec(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "appetite": [list(point) for point in self.appetite],
            "correlation": None
            if self.correlation is None
            else {
                "ids": list(self.correlation.ids),
                "matrix": [list(row) for row in self.correlation.matrix],
            },
            "scenarios": [scenario.spec() for scenario in self.scenarios],
        }


def input_hash(spec: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of everything that determines a result."""
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---- reading -------------------------------------------------------------------------------------


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidScenario(path, f"must be a finite number, got {value!r}")
    return float(value)


def _integer(value: object, path: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidScenario(path, f"must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        raise InvalidScenario(path, f"must be between {low:,} and {high:,}" if high else f"must be >= {low}")
    return value


def _checked(value: object, path: str, probability: bool) -> Distribution:
    dist = parse_distribution(value, path)
    low, high = dist.support()
    if probability:
        if isinstance(dist, Normal):
            raise InvalidScenario(
                path, "is a probability; use a bounded distribution (pert, uniform, triangular)"
            )
        if low < 0.0 or high > 1.0:
            raise InvalidScenario(path, "is a probability and must lie within [0, 1]")
    elif low < 0.0:
        raise InvalidScenario(path, "must not be negative")
    return dist


def parse_control(data: object, path: str) -> Control:
    if not isinstance(data, dict):
        raise InvalidScenario(path, "must be a mapping with name, factor, effectiveness")
    extra = set(data) - {"name", "factor", "effectiveness", "annual_cost"}
    if extra:
        raise InvalidScenario(path, f"unknown key(s): {', '.join(sorted(map(str, extra)))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidScenario(f"{path}.name", "is required")
    factor = data.get("factor")
    if factor not in CONTROL_FACTORS:
        raise InvalidScenario(f"{path}.factor", f"must be one of {', '.join(CONTROL_FACTORS)}")
    if "effectiveness" not in data:
        raise InvalidScenario(f"{path}.effectiveness", "is required")
    effectiveness = _checked(data["effectiveness"], f"{path}.effectiveness", probability=True)
    cost = _number(data.get("annual_cost", 0.0), f"{path}.annual_cost")
    if cost < 0.0:
        raise InvalidScenario(f"{path}.annual_cost", "must be >= 0")
    return Control(name.strip(), factor, effectiveness, cost)


def parse_scenario(data: object, index: int = 0) -> Scenario:
    """Read one scenario mapping; errors read ``scenario <id>, field <field>: <reason>``."""
    if not isinstance(data, dict):
        raise InvalidScenario(f"scenarios[{index}]", "must be a mapping")
    ident = data.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise InvalidScenario(f"scenarios[{index}].id", "is required (a non-empty text)")
    where = f"scenario {ident}, field"
    extra = set(data) - SCENARIO_KEYS
    if extra:
        raise InvalidScenario(f"{where} {sorted(map(str, extra))[0]}", "unknown field")
    name = data.get("name", ident)
    if not isinstance(name, str):
        raise InvalidScenario(f"{where} name", "must be text")

    dists: dict[str, Distribution] = {}
    for key in INPUT_FIELDS:
        if data.get(key) is not None:
            dists[key] = _checked(data[key], f"{where} {key}", probability=key in PROBABILITY_FIELDS)

    if "primary_loss" not in dists:
        raise InvalidScenario(f"{where} primary_loss", "is required")
    if ("lef" in dists) == ("tef" in dists):
        raise InvalidScenario(f"{where} lef", "give either lef, or tef with a vulnerability (not both)")
    comparison = {"threat_capability", "resistance_strength"} & set(dists)
    if "lef" in dists and ("vulnerability" in dists or comparison):
        raise InvalidScenario(f"{where} vulnerability", "is only used with tef; lef already includes it")
    if "tef" in dists:
        if "vulnerability" in dists and comparison:
            raise InvalidScenario(
                f"{where} vulnerability",
                "give a probability or threat_capability/resistance_strength, not both",
            )
        if "vulnerability" not in dists and len(comparison) != 2:
            raise InvalidScenario(
                f"{where} vulnerability",
                "is required with tef (a probability, or threat_capability and resistance_strength)",
            )
    if ("secondary_loss" in dists) != ("secondary_loss_event_frequency" in dists):
        raise InvalidScenario(
            f"{where} secondary_loss", "secondary_loss and secondary_loss_event_frequency go together"
        )
    events = data.get("events", "poisson")
    if events not in EVENT_KINDS:
        raise InvalidScenario(f"{where} events", "must be poisson or bernoulli")

    raw_controls = data.get("controls") or []
    if not isinstance(raw_controls, list):
        raise InvalidScenario(f"{where} controls", "must be a list")
    controls = tuple(parse_control(item, f"{where} controls[{i}]") for i, item in enumerate(raw_controls))
    names = [control.name for control in controls]
    for i, control in enumerate(controls):
        if names.index(control.name) != i:
            raise InvalidScenario(f"{where} controls[{i}].name", f"duplicate control name {control.name!r}")
        check_control_factor(control.factor, dists, f"{where} controls[{i}].factor")

    return Scenario(
        id=ident,
        name=name,
        events=events,
        controls=controls,
        **dists,
    )


def check_control_factor(factor: str, dists: dict[str, Distribution], path: str) -> None:
    if factor in ("tef", "vulnerability") and "lef" in dists:
        raise InvalidScenario(
            path, f"{factor} is not an input of this scenario (it gives lef); use factor lef"
        )
    if factor in ("secondary_loss", "secondary_loss_event_frequency") and "secondary_loss" not in dists:
        raise InvalidScenario(path, f"{factor}: this scenario has no secondary loss")


def parse_correlation(data: object, ids: list[str]) -> Correlation:
    path = "field correlation"
    if not isinstance(data, dict) or set(data) != {"ids", "matrix"}:
        raise InvalidScenario(path, "must be a mapping with ids and matrix")
    names = data["ids"]
    if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
        raise InvalidScenario(f"{path}.ids", "must list at least two scenario ids")
    for name in names:
        if name not in ids:
            raise InvalidScenario(f"{path}.ids", f"unknown scenario id {name!r}")
    if len(set(names)) != len(names):
        raise InvalidScenario(f"{path}.ids", "lists a scenario twice")
    matrix = data["matrix"]
    size = len(names)
    if not isinstance(matrix, list) or len(matrix) != size:
        raise InvalidScenario(f"{path}.matrix", f"must be a {size} x {size} matrix")
    rows = []
    for i, row in enumerate(matrix):
        if not isinstance(row, list) or len(row) != size:
            raise InvalidScenario(f"{path}.matrix[{i}]", f"must have {size} entries")
        rows.append(tuple(_number(v, f"{path}.matrix[{i}][{j}]") for j, v in enumerate(row)))
    for i in range(size):
        if rows[i][i] != 1.0:
            raise InvalidScenario(f"{path}.matrix[{i}][{i}]", "the diagonal must be 1")
        for j in range(size):
            if not -1.0 <= rows[i][j] <= 1.0:
                raise InvalidScenario(f"{path}.matrix[{i}][{j}]", "must lie within [-1, 1]")
            if abs(rows[i][j] - rows[j][i]) > 1e-12:
                raise InvalidScenario(f"{path}.matrix[{i}][{j}]", "the matrix must be symmetric")
    return Correlation(tuple(names), tuple(rows))


def parse_scenario_file(data: object) -> ScenarioFile:
    """Read a whole scenario file (already loaded from YAML or JSON)."""
    if not isinstance(data, dict):
        raise InvalidScenario("file", "must be a mapping with a scenarios list")
    extra = set(data) - FILE_KEYS
    if extra:
        raise InvalidScenario(f"field {sorted(map(str, extra))[0]}", "unknown field")
    raw = data.get("scenarios")
    if not isinstance(raw, list) or not raw:
        raise InvalidScenario("field scenarios", "must be a non-empty list")
    scenarios = tuple(parse_scenario(item, i) for i, item in enumerate(raw))
    ids = [scenario.id for scenario in scenarios]
    for i, ident in enumerate(ids):
        if ids.index(ident) != i:
            raise InvalidScenario(f"scenarios[{i}].id", f"duplicate scenario id {ident!r}")
    currency = data.get("currency", "USD")
    if not isinstance(currency, str) or not currency.strip():
        raise InvalidScenario("field currency", "must be text such as USD")
    model = data.get("model")
    if model is not None and model not in MODELS:
        raise InvalidScenario("field model", "must be event or rate")
    years = None if data.get("years") is None else _integer(data["years"], "field years", 1, MAX_YEARS)
    seed = None if data.get("seed") is None else _integer(data["seed"], "field seed", 0)
    appetite = _parse_appetite(data.get("appetite") or [])
    correlation = None if data.get("correlation") is None else parse_correlation(data["correlation"], ids)
    return ScenarioFile(scenarios, currency.strip(), model, years, seed, appetite, correlation)


def _parse_appetite(raw: object) -> tuple[tuple[float, float], ...]:
    if not isinstance(raw, list):
        raise InvalidScenario("field appetite", "must be a list of [loss, probability] points")
    points = []
    for i, point in enumerate(raw):
        path = f"field appetite[{i}]"
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise InvalidScenario(path, "must be [loss, probability]")
        loss, probability = _number(point[0], f"{path}[0]"), _number(point[1], f"{path}[1]")
        if loss <= 0.0:
            raise InvalidScenario(f"{path}[0]", "the loss must be > 0")
        if not 0.0 <= probability <= 1.0:
            raise InvalidScenario(f"{path}[1]", "the probability must lie within [0, 1]")
        points.append((loss, probability))
    return tuple(sorted(points))
