"""`accord leadership ...`: the time log, skills plans and the radar from the command line, printing the
API's figures (--json) and the usual exit codes (2 refused input, 3 not allowed, 4 not found)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.leadership import services

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["leadership", *args, "--token", token])


def _text(result):
    return " ".join(result.output.split())


def test_the_time_log_from_the_command_line(people, api_as):
    ciso, cio = people["ciso"], people["cio"]
    logged = _run(ciso, "time", "log", "--week", "2026-W49", "--activity", "Strategy", "--hours", "9.5",
                  "--nature", "strategic")
    assert logged.exit_code == 0 and "2026-W49: Strategy, 9.5 h strategic" in _text(logged)
    assert _run(ciso, "time", "log", "--week", "2026-W49", "--activity", "Vendor forms", "--hours", "28.5",
                "--nature", "tactical", "--handoff", "outsourceable").exit_code == 0
    refused = _run(ciso, "time", "log", "--week", "2026-W49", "--activity", "x", "--hours", "-1", "--nature",
                   "tactical")
    assert refused.exit_code == 2 and "hours: hours cannot be negative" in _text(refused)
    assert _run(people["analyst"], "time", "log", "--week", "2026-W49", "--activity", "x", "--hours", "1",
                "--nature", "tactical").exit_code == 3
    shown = json.loads(_run(ciso, "time", "show", "--weeks", "1", "--json").stdout)
    api = api_as(ciso).get("/leadership/time?weeks=1").json()
    assert shown["strategic_share_percent"] == api["strategic_share_percent"] == 25.0
    assert shown["delegation_candidates"][0]["activity"] == "Vendor forms"
    table = _text(_run(ciso, "time", "show", "--weeks", "1"))
    assert "25.0%" in table and "Vendor" in table and "all hours" in table  # rich wraps narrow cells
    assert _run(cio, "time", "show", "--owner", "ciso").exit_code == 4
    assert _run(ciso, "time", "share", "cio").exit_code == 0
    assert json.loads(_run(cio, "time", "show", "--owner", "ciso", "--weeks", "1", "--json").stdout)[
        "total_hours"] == "38.00"


def test_skills_and_the_radar_from_the_command_line(people):
    ciso, cio, analyst = people["ciso"], people["cio"], people["analyst"]
    plan = services.create_plan(actor=ciso, person=analyst, title="Security Analyst")
    assert _run(ciso, "skills", "assess", "analyst", "finance", "--target", "3").exit_code == 0
    assert _run(analyst, "skills", "assess", "analyst", "finance", "--self", "1").exit_code == 0
    assert _run(analyst, "skills", "assess", "analyst", "finance", "--target", "4").exit_code == 3
    assert _run(analyst, "skills", "goal", "analyst", "Read the annual report", "--due", "2026-12-31").exit_code == 0
    assert _run(analyst, "skills", "goal", "analyst", "x", "--due", "soon").exit_code == 2
    assert _run(ciso, "skills", "mentor", "analyst", "--mentor", "ciso", "--focus", "finance").exit_code == 0
    document = json.loads(_run(analyst, "skills", "plan", "--json").stdout)
    assert document["id"] == plan.pk and document["skills"][0]["gap"] == 2
    assert "Goals on track: 100.0%" in _text(_run(analyst, "skills", "plan"))
    assert _run(people["itops"], "skills", "plan", "analyst").exit_code == 4
    gaps = json.loads(_run(cio, "skills", "gaps", "--json").stdout)
    assert gaps[0]["skill"] == "finance" and gaps[0]["total_gap"] == 2
    assert _run(analyst, "skills", "gaps").exit_code == 3
    catalogue = json.loads(runner.invoke(app, ["leadership", "skills", "catalogue", "--json"]).stdout)
    assert "stakeholder_management" in [s["key"] for s in catalogue["skills"]]

    added = _run(cio, "radar", "add", "Kubernetes platform", "--quadrant", "platforms", "--prerequisite",
                 "Signed images", "--prerequisite", "Network policies")
    assert added.exit_code == 0
    entry_id = json.loads(_run(ciso, "radar", "list", "--json").stdout)[0]["id"]
    assert _run(cio, "radar", "propose", str(entry_id), "trial").exit_code == 0
    assert _run(cio, "radar", "agree", str(entry_id)).exit_code == 2  # not your own proposal
    assert _run(analyst, "radar", "propose", str(entry_id), "hold").exit_code == 3
    assert "stance trial" in _text(_run(ciso, "radar", "agree", str(entry_id)))
    listed = json.loads(_run(people["auditor"], "radar", "list", "--json").stdout)
    assert listed[0]["stance"] == "trial" and listed[0]["prerequisites"] == ["Signed images", "Network policies"]
