"""`accord patch plan`: JSON keys, exit code 2 with the bad field named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from accord.cli.patch import app

runner = CliRunner()


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_json_output_has_the_issue_keys(tmp_path: Path, example_json: dict[str, object]) -> None:
    path = _write(tmp_path, example_json)
    result = runner.invoke(app, ["plan", "--instance", str(path), "--json", "--frontier", "3"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= {
        "plan",
        "exposure",
        "disruption_cost",
        "sla_breaches",
        "greedy",
        "bound",
        "gap",
        "frontier",
        "emergencies",
        "currency",
        "recommended",
        "recommended_reason",
        "seconds",
    }
    assert out["plan"] == {"j1": "w1"}  # w2 is frozen
    assert set(out["greedy"]) == {"exposure", "disruption_cost", "sla_breaches"}
    # window w1 starts 2 days 22 hours after the start: 120 per day for 2.9167 days
    assert out["exposure"] == round(120 * (2 + 22 / 24), 4)
    assert out["disruption_cost"] == round(20 / 60 * 5000, 4)
    assert out["sla_breaches"] == 0 and out["gap"] == 0
    assert next(p["disruption_cost"] for p in out["frontier"]) == 0
    # no downtime, the recommended price, free downtime, and the point at greedy's downtime
    assert sorted(p["kind"] for p in out["frontier"]) == ["greedy_downtime", "price", "price", "price"]
    recommended = out["frontier"][out["recommended"]]
    assert recommended["total_cost"] == min(p["total_cost"] for p in out["frontier"])
    assert out["currency"] is None  # the file states none


def test_money_in_the_files_currency(tmp_path: Path, example_json: dict[str, object]) -> None:
    path = _write(tmp_path, {**example_json, "currency": "eur"})
    out = json.loads(runner.invoke(app, ["plan", "--instance", str(path), "--json"]).stdout)
    assert out["currency"] == "EUR"
    readable = runner.invoke(app, ["plan", "--instance", str(path), "--frontier", "3"])
    assert "EUR 1,667" in readable.stdout  # 20 minutes of a 5,000-per-hour asset
    bad = runner.invoke(app, ["plan", "--instance", str(_write(tmp_path, {**example_json, "currency": "€"}))])
    assert bad.exit_code == 2 and "currency: must be a currency code" in bad.stderr


def test_budget_override_and_readable_tables(tmp_path: Path, example_json: dict[str, object]) -> None:
    path = _write(tmp_path, example_json)
    result = runner.invoke(app, ["plan", "--instance", str(path), "--json", "--disruption-budget", "0"])
    out = json.loads(result.stdout)
    assert out["plan"] == {"j1": "deferred"} and out["sla_breaches"] == 1
    assert "frontier" not in out
    assert out["emergencies"] == []  # j1 is neither KEV nor act
    readable = runner.invoke(app, ["plan", "--instance", str(path)])
    assert readable.exit_code == 0 and "expected loss" in readable.stdout


def test_invalid_instance_exits_2_naming_the_field(tmp_path: Path, example_json: dict[str, object]) -> None:
    jobs = example_json["jobs"]
    assert isinstance(jobs, list)
    jobs[0]["asset"] = "ghost"
    result = runner.invoke(app, ["plan", "--instance", str(_write(tmp_path, example_json)), "--json"])
    assert result.exit_code == 2
    assert "jobs[0].asset: unknown asset 'ghost'" in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "--instance", str(tmp_path / "nope.json")])
    assert result.exit_code == 2


def test_stdout_is_exactly_one_json_document_in_a_fresh_process(
    tmp_path: Path, example_json: dict[str, object]
) -> None:
    """HiGHS prints a banner from native code the first time it starts; it must not reach stdout."""
    path = _write(tmp_path, example_json)
    script = "from accord.cli.patch import app; app(prog_name='accord patch')"
    done = subprocess.run(
        [sys.executable, "-c", script, "plan", "--instance", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plan"] == {"j1": "w1"}
