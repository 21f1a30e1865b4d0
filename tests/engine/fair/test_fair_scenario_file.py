"""Scenario files and the `accord risks simulate` command."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from accord.cli.risks import app
from accord.engine.fair import InvalidScenario, parse_scenario_file, tornado
from accord.engine.fair.scenario import parse_scenario

ISSUE_EXAMPLE = (Path(__file__).parents[2] / "data" / "issue_scenarios.yaml").read_text(encoding="utf-8")

STAT_KEYS = {
    "mean",
    "mean_se",
    "analytic_mean",
    "stdev",
    "p50",
    "p90",
    "p95",
    "p99",
    "tail_mean_p99",
    "prob_loss",
    "lec",
}


def example() -> dict:
    return yaml.safe_load(ISSUE_EXAMPLE)


def test_the_issue_example_parses():
    parsed = parse_scenario_file(example())
    assert [s.id for s in parsed.scenarios] == ["ransomware-erp", "bec"]
    assert parsed.scenarios[0].controls[0].annual_cost == 120000
    assert parsed.correlation is not None and parsed.correlation.matrix[0][1] == 0.4


def _broken(path: list, value) -> dict:
    data = example()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where", "why"),
    [
        (
            ["scenarios", 0, "vulnerability"],
            {"pert": [0.1, 0.5, 1.5]},
            "scenario ransomware-erp, field vulnerability",
            "[0, 1]",
        ),
        (["scenarios", 0, "tef"], {"constant": -1}, "scenario ransomware-erp, field tef", "negative"),
        (
            ["scenarios", 1, "primary_loss"],
            {"uniform": [-5, 10]},
            "scenario bec, field primary_loss",
            "negative",
        ),
        (["scenarios", 1, "events"], "sometimes", "scenario bec, field events", "poisson or bernoulli"),
        (
            ["scenarios", 1, "vulnerability"],
            {"constant": 0.5},
            "scenario bec, field vulnerability",
            "only used with tef",
        ),
        (
            ["scenarios", 0, "controls", 0, "factor"],
            "budget",
            "scenario ransomware-erp, field controls[0].factor",
            "must be one of",
        ),
        (
            ["scenarios", 0, "controls", 0, "effectiveness"],
            {"constant": 2},
            "controls[0].effectiveness",
            "[0, 1]",
        ),
        (
            ["scenarios", 1, "secondary_loss"],
            {"constant": 5},
            "scenario bec, field secondary_loss",
            "go together",
        ),
        (["scenarios", 1, "tpyo"], 1, "scenario bec, field tpyo", "unknown field"),
        (["years"], 0, "field years", "between"),
        (["correlation", "ids"], ["bec", "nobody"], "field correlation.ids", "unknown scenario"),
        (["correlation", "matrix"], [[1, 0.4], [0.3, 1]], "field correlation.matrix[0][1]", "symmetric"),
        (["appetite"], [[1000, 2]], "field appetite[0][1]", "[0, 1]"),
    ],
)
def test_bad_input_is_refused_naming_the_field(path, value, where, why):
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario_file(_broken(path, value))
    assert where in caught.value.path
    assert why in caught.value.message


def test_missing_vulnerability_and_duplicate_ids_are_refused():
    with pytest.raises(InvalidScenario, match="vulnerability: is required"):
        parse_scenario({"id": "x", "tef": 1, "primary_loss": 5})
    data = example()
    data["scenarios"].append(copy.deepcopy(data["scenarios"][1]))
    with pytest.raises(InvalidScenario, match="duplicate scenario id"):
        parse_scenario_file(data)


def test_cli_json_has_the_documented_keys(tmp_path):
    path = tmp_path / "risks.yaml"
    path.write_text(ISSUE_EXAMPLE)
    result = CliRunner().invoke(app, ["simulate", str(path), "--years", "5000", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {
        "engine_version",
        "seed",
        "years",
        "model",
        "currency",
        "warnings",
        "scenarios",
        "portfolio",
    } <= set(data)
    assert (data["seed"], data["years"], data["model"], data["currency"]) == (3, 5000, "event", "USD")
    first = data["scenarios"][0]
    assert {"id", "warnings", "controls", "with_controls"} | STAT_KEYS <= set(first)
    assert {"name", "delta_mean", "delta_mean_ci90", "rosi"} <= set(first["controls"][0])
    assert set(first["with_controls"]) >= STAT_KEYS
    assert "controls" not in data["scenarios"][1]
    assert set(data["portfolio"]) >= STAT_KEYS
    assert all(len(point) == 2 for point in data["portfolio"]["lec"])


def test_cli_model_override_and_readable_table(tmp_path):
    path = tmp_path / "risks.json"
    path.write_text(json.dumps(example()))
    result = CliRunner().invoke(
        app, ["simulate", str(path), "--years", "3000", "--model", "rate"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert (
        "rate model" in result.stdout and "PORTFOLIO" in result.stdout and "EDR everywhere" in result.stdout
    )


def test_cli_refuses_a_bad_file_with_exit_code_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_broken(["scenarios", 0, "vulnerability"], {"pert": [0.1, 0.5, 1.5]})))
    result = CliRunner().invoke(app, ["simulate", str(path)])
    assert result.exit_code == 2
    assert "scenario ransomware-erp, field vulnerability" in result.output
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(app, ["simulate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2


def test_tornado_is_sorted_and_exact():
    scenario = parse_scenario_file(example()).scenarios[0]
    result = tornado(scenario)
    swings = [bar.swing for bar in result.bars]
    assert swings == sorted(swings, reverse=True)
    assert {bar.input for bar in result.bars} == {"tef", "vulnerability", "primary_loss", "secondary_loss"}
    for bar in result.bars:
        assert bar.low_value < bar.high_value
        assert bar.mean_at_low < bar.mean_at_high  # every input raises the loss
    # a closed form: the same scenario gives the same chart, with its controls or without
    assert tornado(scenario) == result
    assert tornado(replace(scenario, controls=())) == result
