"""accord portfolio initiatives / import / export / estimate / select, acting with a personal token."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.governance.models import Decision
from accord.portfolio.models import Initiative

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def test_import_estimate_select_and_approve(ciso, scenarios, budget, tmp_path, make_user):
    token = _token(ciso)
    source = tmp_path / "initiatives.csv"
    source.write_text(
        "slug,title,one_off_cost,annual_cost,capacity,effects\n"
        'edr,EDR,100000,50000,Platform=2,"[{""scenario"":""ransomware-erp"",""factor"":""vulnerability"",'
        '""effectiveness"":{""pert"":[0.3,0.5,0.7]}}]"\n'
        'mail,Mail filter,20000,10000,,"[{""scenario"":""bec"",""factor"":""lef"",""effectiveness"":{""constant"":0.3}}]"\n')
    imported = runner.invoke(app, ["portfolio", "import", str(source), "--token", token])
    assert imported.exit_code == 0, imported.output
    assert "2 rows, 2 created" in imported.output

    estimated = runner.invoke(app, ["portfolio", "estimate", "--years", "2000", "--json", "--token", token])
    assert estimated.exit_code == 0, estimated.output
    rows = {r["initiative"]: r for r in json.loads(estimated.output)}
    assert rows["edr"]["delta_ale_90"][0] < rows["edr"]["delta_ale"] < rows["edr"]["delta_ale_90"][1]

    listed = runner.invoke(app, ["portfolio", "initiatives", "--json", "--token", token])
    assert {r["slug"] for r in json.loads(listed.output)} == {"edr", "mail"}
    assert "Mail filter" in runner.invoke(app, ["portfolio", "initiatives", "--token", token]).output

    selected = runner.invoke(app, ["portfolio", "select", "--budget", "1000000", "--approve", "--json",
                                   "--token", token])
    assert selected.exit_code == 0, selected.output
    doc = json.loads(selected.output)  # exactly one JSON document (no HiGHS banner)
    # it costs more than the budget's 250,000: the CISO's approval waits for the CIO's
    assert doc["status"] == "awaiting" and doc["decision_id"] is None
    from accord.portfolio.models import Selection
    from accord.portfolio.services import approve_selection

    approve_selection(actor=make_user("cio"), selection=Selection.objects.get(pk=doc["selection_id"]))
    assert sorted(doc["selected"]) == ["edr", "mail"] and Decision.objects.get().signoff_id == doc["signoff_id"]
    assert doc["residual_ale"] < doc["total_ale"] and doc["frontier"]["points"]
    assert set(Initiative.objects.values_list("status", flat=True)) == {"approved"}
    text = runner.invoke(app, ["portfolio", "select", "--budget", "130000", "--token", token])
    assert text.exit_code == 0 and "Mail filter" in text.output and "gap" in text.output

    exported = runner.invoke(app, ["portfolio", "export", "--token", token])
    assert exported.exit_code == 0 and exported.output.splitlines()[0].startswith("slug,title")


def test_refusals_exit_with_clear_codes(ciso, make_user, scenarios, budget, tmp_path):
    token = _token(ciso)
    bad = tmp_path / "bad.csv"
    bad.write_text("slug,title,annual_cost\nx,X,minus\n")
    refused = runner.invoke(app, ["portfolio", "import", str(bad), "--token", token])
    assert refused.exit_code == 2 and "line 2" in refused.output and "annual_cost" in refused.output
    assert not Initiative.objects.exists()
    assert runner.invoke(app, ["portfolio", "select", "--scenario", "nope", "--token", token]).exit_code == 2
    board = _token(make_user("board_viewer"))
    assert runner.invoke(app, ["portfolio", "estimate", "--token", board]).exit_code == 3
    assert runner.invoke(app, ["portfolio", "initiatives"]).exit_code == 3


def test_optimize_on_a_file_still_works_without_a_database(tmp_path):
    instance = tmp_path / "i.json"
    instance.write_text(json.dumps({
        "scenarios": [{"id": "s", "ale": 1000}],
        "initiatives": [{"id": "a", "cost": 100, "effects": [{"scenario": "s", "reduction": 0.5}]}],
        "horizon_years": 1}))
    result = runner.invoke(app, ["portfolio", "optimize", "--instance", str(instance), "--budget", "100", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["selected"] == ["a"]
