"""`accord portfolio optimize`: one JSON document with exactly the promised keys, errors exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from accord.cli.portfolio import app

INSTANCE = {
    "scenarios": [{"id": "ransomware-erp", "ale": 2400000}, {"id": "bec", "ale": 600000}],
    "initiatives": [
        {
            "id": "edr",
            "cost": 300000,
            "annual_cost": 120000,
            "capacity": {"secops": 2},
            "effects": [{"scenario": "ransomware-erp", "reduction": 0.35}],
            "requires": [],
            "excludes": [],
            "mandatory": False,
        },
        {
            "id": "backup",
            "cost": 150000,
            "annual_cost": 20000,
            "capacity": {"secops": 1},
            "effects": [{"scenario": "ransomware-erp", "reduction": 0.5}],
        },
        {
            "id": "mfa",
            "cost": 80000,
            "annual_cost": 30000,
            "effects": [
                {"scenario": "bec", "reduction": 0.6},
                {"scenario": "ransomware-erp", "reduction": 0.1},
            ],
        },
    ],
    "capacity": {"secops": 6},
    "horizon_years": 3,
    "discount_rate": 0.08,
}


@pytest.fixture
def instance_file(tmp_path):
    path = tmp_path / "portfolio.json"
    path.write_text(json.dumps(INSTANCE))
    return path


def run_accord(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a fresh process, so HiGHS's banner would show if it leaked to stdout."""
    code = "from accord.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


def test_json_is_one_document_with_exactly_the_promised_keys(instance_file):
    done = run_accord(
        "portfolio", "optimize", "--instance", str(instance_file), "--budget", "800000", "--json"
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert set(doc) == {"selected", "cost", "residual_ale", "risk_reduction", "gap"}
    # backup (210k over 3 years) + mfa (170k): 2.4M x .5 x .9 + 600k x .4 = 1.32M
    assert doc["selected"] == ["backup", "mfa"]
    assert doc["cost"] == pytest.approx(380000)
    assert doc["residual_ale"] == pytest.approx(1_320_000)
    assert doc["risk_reduction"] == pytest.approx(1_680_000)
    assert doc["gap"] <= 1e-3


def test_frontier_points_when_asked(instance_file):
    result = CliRunner().invoke(
        app, ["optimize", "--instance", str(instance_file), "--budget", "800000", "--frontier", "4", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"selected", "cost", "residual_ale", "risk_reduction", "gap", "frontier"}
    points = doc["frontier"]["points"]
    assert len(points) == 4
    assert [p["spend"] for p in points] == sorted(p["spend"] for p in points)
    assert 0 <= doc["frontier"]["break_even"] < 4
    assert doc["frontier"]["gordon_loeb_ceiling"] == pytest.approx(3_000_000 * 3 * 0.36787944, rel=1e-6)


def test_tables_without_json(instance_file):
    result = CliRunner().invoke(
        app,
        ["optimize", "--instance", str(instance_file), "--budget", "800000", "--frontier", "3"],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    assert "backup" in result.output and "Frontier" in result.output and "Gordon-Loeb" in result.output


def test_bad_instance_exits_2_naming_the_field(tmp_path):
    bad = json.loads(json.dumps(INSTANCE))
    bad["initiatives"][2]["effects"][0]["reduction"] = 1.2
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    done = run_accord("portfolio", "optimize", "--instance", str(path), "--budget", "1", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "initiatives[2].effects[0].reduction: must be between 0 and 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_budget_too_small_and_missing_file_exit_2(instance_file, tmp_path):
    mandatory = json.loads(json.dumps(INSTANCE))
    mandatory["initiatives"][0]["mandatory"] = True
    path = tmp_path / "m.json"
    path.write_text(json.dumps(mandatory))
    result = CliRunner().invoke(app, ["optimize", "--instance", str(path), "--budget", "1000"])
    assert result.exit_code == 2
    assert "budget" in result.output
    result = CliRunner().invoke(app, ["optimize", "--instance", str(tmp_path / "none.json"), "--budget", "1"])
    assert result.exit_code == 2
    assert "no such file" in result.output
