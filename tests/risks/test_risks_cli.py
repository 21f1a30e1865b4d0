"""accord risks list / import / export / run, acting with a personal token."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.risks.models import RiskScenario, SimulationRun

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def test_import_list_export_and_run(ciso, samples, tmp_path):
    token = _token(ciso)
    source = tmp_path / "risks.yaml"
    source.write_text(samples.file_text)
    imported = runner.invoke(app, ["risks", "import", str(source), "--token", token])
    assert imported.exit_code == 0, imported.output
    assert "2 scenarios, 2 created" in imported.output

    listed = runner.invoke(app, ["risks", "list", "--json", "--token", token])
    document = json.loads(listed.output)
    assert [s["id"] for s in document["scenarios"]] == ["ransomware-erp", "bec"]  # largest mean first
    assert document["scenarios"][0]["mean"] > document["scenarios"][1]["mean"] > 0
    assert "ransomware-erp" in runner.invoke(app, ["risks", "list", "--token", token]).output

    target = tmp_path / "out.yaml"
    exported = runner.invoke(app, ["risks", "export", str(target), "--token", token])
    assert exported.exit_code == 0 and yaml.safe_load(target.read_text())["seed"] == 7
    only = runner.invoke(app, ["risks", "export", "--id", "bec", "--format", "json", "--token", token])
    assert [s["id"] for s in json.loads(only.output)["scenarios"]] == ["bec"]

    runs = SimulationRun.objects.count()
    same = runner.invoke(app, ["risks", "run", "bec", "--token", token])
    assert same.exit_code == 0 and "latest run stands" in same.output and SimulationRun.objects.count() == runs
    everything = runner.invoke(app, ["risks", "run", "--all", "--force", "--token", token])
    assert everything.exit_code == 0 and "portfolio" in everything.output
    assert SimulationRun.objects.count() == runs + 3


def test_refusals_exit_with_code_2_and_name_the_field(ciso, samples, tmp_path, make_user):
    token = _token(ciso)
    bad = tmp_path / "bad.yaml"
    bad.write_text(samples.file_text.replace("constant: 0.8", "constant: -1"))
    refused = runner.invoke(app, ["risks", "import", str(bad), "--token", token])
    assert refused.exit_code == 2 and "scenario bec, field lef" in refused.output
    assert not RiskScenario.objects.exists()
    assert runner.invoke(app, ["risks", "run", "--token", token]).exit_code == 2  # neither ID nor --all
    assert runner.invoke(app, ["risks", "run", "ghost", "--token", token]).exit_code == 4
    board = _token(make_user("board_viewer"))
    source = tmp_path / "risks.yaml"
    source.write_text(samples.file_text)
    assert runner.invoke(app, ["risks", "import", str(source), "--token", board]).exit_code == 3
    assert runner.invoke(app, ["risks", "list"]).exit_code == 3  # nobody acting
