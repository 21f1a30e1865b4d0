"""The bridge between the register's rows and the FAIR engine's public API.

Turns scenarios and controls into the scenario-file mapping the engine reads, checks inputs with the
engine's own parser (its `InvalidScenario` path becomes a field-named `Problem`), runs the engine and
turns its result into the JSON a `SimulationRun` stores. No writes happen here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from accord.core.errors import Problem, ValidationFailed
from accord.engine.fair import (
    InvalidScenario,
    Scenario,
    SimulationResult,
    parse_scenario,
    parse_scenario_file,
    simulate_file,
    tornado,
)

# The keys of a scenario mapping that are FAIR inputs (the rest are id, name and controls).
INPUT_KEYS = (
    "lef",
    "tef",
    "vulnerability",
    "threat_capability",
    "resistance_strength",
    "events",
    "primary_loss",
    "secondary_loss_event_frequency",
    "secondary_loss",
)
DISTRIBUTION_KEYS = tuple(key for key in INPUT_KEYS if key != "events")
# Stored runs answer web and API requests, so the register bounds what one scenario may ask of the
# engine: numbers of a sane size, and at most this many loss (or threat) events in a typical bad year.
MAX_NUMBER = 1e15
MAX_EVENTS_PER_YEAR = 1_000.0
_FIELD = re.compile(r"^scenario .*?, field (?P<field>.+)$", re.DOTALL)


def field_of(error: InvalidScenario) -> str:
    """The field part of an engine path: 'scenario bec, field lef.pert[2]' -> 'lef.pert[2]'."""
    match = _FIELD.match(error.path)
    if match:
        return match.group("field")
    return error.path.removeprefix("field ")


def _numbers_problems(value: Any, path: str) -> list[Problem]:
    """Every number inside a loaded mapping must be finite and of a sane size (the engine takes floats)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        try:
            ok = math.isfinite(float(value)) and abs(float(value)) <= MAX_NUMBER
        except OverflowError:
            ok = False
        return [] if ok else [Problem(field=path, message=f"must be a finite number of at most {MAX_NUMBER:g}")]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _numbers_problems(item, f"{path}.{key}")]
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in _numbers_problems(item, f"{path}[{i}]")]
    return []


def check_numbers(value: Any, path: str) -> None:
    problems = _numbers_problems(value, path)
    if problems:
        raise ValidationFailed(problems[:20])


def scenario_mapping(slug: str, name: str, inputs: dict[str, Any],
                     controls: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """One scenario as the file format spells it."""
    mapping: dict[str, Any] = {"id": slug, "name": name}
    mapping.update({key: inputs[key] for key in INPUT_KEYS if key in inputs})
    listed = list(controls)
    if listed:
        mapping["controls"] = listed
    return mapping


def _check_frequency(scenario: Scenario, where: str) -> None:
    frequency = scenario.lef if scenario.lef is not None else scenario.tef
    key = "lef" if scenario.lef is not None else "tef"
    if frequency is not None and frequency.quantile(0.999) > MAX_EVENTS_PER_YEAR:
        raise ValidationFailed.field(
            f"{where}{key}",
            f"more than {MAX_EVENTS_PER_YEAR:,.0f} events a year; model a frequent small loss as a yearly "
            "loss with lef, or split the scenario",
        )


def check_scenario(mapping: dict[str, Any], *, inputs_field: str = "inputs.",
                   controls_field: str = "controls") -> Scenario:
    """Parse one scenario mapping with the engine; refuse with the field named.

    Input problems are named `inputs.<key>...` (as the API body spells them), control problems
    `controls[i].<key>` (callers that edit one control rename them)."""
    inputs = {key: mapping[key] for key in INPUT_KEYS if key in mapping}
    check_numbers(inputs, inputs_field.rstrip("."))
    check_numbers(mapping.get("controls") or [], controls_field)
    try:
        scenario = parse_scenario(mapping)
    except InvalidScenario as error:
        field = field_of(error)
        if field.startswith("controls"):
            field = controls_field + field.removeprefix("controls")
        elif field.split(".")[0].split("[")[0] in INPUT_KEYS:
            field = inputs_field + field
        raise ValidationFailed(Problem(field=field, message=error.message)) from None
    except (TypeError, ValueError, ArithmeticError) as error:  # anything the parser did not foresee
        raise ValidationFailed.field(inputs_field.rstrip("."), f"could not be read: {error}") from None
    _check_frequency(scenario, inputs_field)
    return scenario


def check_file(data: Any) -> None:
    """Parse a whole scenario file with the engine; the problem names the scenario and field."""
    check_numbers(data if isinstance(data, dict) else {}, "file")
    try:
        parsed = parse_scenario_file(data)
    except InvalidScenario as error:
        raise ValidationFailed(Problem(field=error.path, message=error.message)) from None
    except (TypeError, ValueError, ArithmeticError) as error:
        raise ValidationFailed.field("file", f"could not be read: {error}") from None
    for scenario in parsed.scenarios:
        _check_frequency(scenario, f"scenario {scenario.id}, field ")


def file_document(*, scenarios: Sequence[dict[str, Any]], currency: str, model: str, years: int, seed: int,
                  appetite: list[Any], correlation: dict[str, Any] | None) -> dict[str, Any]:
    # Plain types only (a TextChoices default is a str subclass that YAML cannot write).
    doc: dict[str, Any] = {"currency": str(currency), "model": str(model), "years": int(years), "seed": int(seed)}
    if appetite:
        doc["appetite"] = appetite
    if correlation:
        doc["correlation"] = correlation
    doc["scenarios"] = list(scenarios)
    return doc


def restrict_correlation(correlation: dict[str, Any] | None,
                         present: Iterable[str]) -> tuple[dict[str, Any] | None, list[str]]:
    """The correlation between the scenarios present only (others closed or removed), and what was left out."""
    if not correlation:
        return None, []
    ids, matrix = list(correlation.get("ids") or []), correlation.get("matrix") or []
    here = set(present)
    keep = [i for i, ident in enumerate(ids) if ident in here]
    dropped = [ident for ident in ids if ident not in here]
    notes = [f"correlation: scenario {ident} is not in the portfolio (closed or removed); left out"
             for ident in dropped]
    if len(keep) < 2:
        return None, notes
    return {"ids": [ids[i] for i in keep], "matrix": [[matrix[i][j] for j in keep] for i in keep]}, notes


def _finite(value: Any) -> Any:
    """JSON that every database stores: non-finite floats become None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


@dataclass(frozen=True)
class Outcome:
    """An engine run as the register stores it."""

    result: SimulationResult
    document: dict[str, Any]  # what SimulationRun.result holds

    @property
    def input_hash(self) -> str:
        return self.result.input_hash


def run(doc: dict[str, Any]) -> Outcome:
    """Simulate a scenario-file document; add p5 (the engine's typed result has it) to the JSON."""
    try:
        result = simulate_file(doc)
    except InvalidScenario as error:  # checked before; only a changed engine could get here
        raise ValidationFailed(Problem(field=error.path, message=error.message)) from None
    data = result.to_dict()
    for entry, scenario_result in zip(data["scenarios"], result.scenarios, strict=True):
        entry["p5"] = scenario_result.stats.p5
        if scenario_result.with_controls is not None and entry.get("with_controls"):
            entry["with_controls"]["p5"] = scenario_result.with_controls.p5
        for effect_doc, effect in zip(entry.get("controls", []), scenario_result.controls, strict=True):
            effect_doc["delta_mean_se"] = effect.delta_mean_se
    data["portfolio"]["p5"] = result.portfolio.p5
    return Outcome(result, _finite(data))


def add_tornado(outcome: Outcome, scenario_mapping: dict[str, Any]) -> None:
    """Store the tornado of a one-scenario run with it (the run's year model; exact, in closed form)."""
    spec = {key: value for key, value in scenario_mapping.items() if key != "controls"}
    chart = tornado(parse_scenario(spec), model=outcome.result.model)
    outcome.document["tornado"] = _finite({
        "method": "closed form",
        "base_mean": chart.base_mean,
        "bars": [
            {"input": bar.input, "low_value": bar.low_value, "high_value": bar.high_value,
             "mean_at_low": bar.mean_at_low, "mean_at_high": bar.mean_at_high, "swing": bar.swing}
            for bar in chart.bars
        ],
    })
