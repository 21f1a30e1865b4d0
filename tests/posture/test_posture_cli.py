"""`accord csf ...`: the catalogue without a database, an OSCAL import, an assessment scored, gaps and
side by side (the same figures as the API), OSCAL out and in, benchmarks; exit codes 2 refused input,
3 not allowed, 4 not found."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.posture.models import Assessment

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _text(result):
    return " ".join(result.output.split())


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["csf", *args, "--token", token])


def test_catalogue_needs_no_token():
    listed = runner.invoke(app, ["csf", "catalogue", "--json"])
    assert listed.exit_code == 0
    document = json.loads(listed.stdout)
    assert document["counts"] == {"functions": 6, "categories": 22, "subcategories": 106}
    assert {f["id"]: sum(len(c["subcategories"]) for c in f["categories"]) for f in document["functions"]} == {
        "GV": 31, "ID": 21, "PR": 22, "DE": 11, "RS": 13, "RC": 8}
    table = runner.invoke(app, ["csf", "catalogue"])
    assert table.exit_code == 0 and "GV.OC-01" in table.output and "PM-11" in table.output


def test_a_profile_from_the_command_line(people, api_as, fixtures, tmp_path):
    ciso, board = people["ciso"], people["board"]
    imported = _run(ciso, "import-oscal", str(fixtures / "small_catalogue.json"), "--key", "shop")
    assert imported.exit_code == 0 and "5 subcategories" in _text(imported)
    shop = _run(board, "catalogue", "--framework", "shop", "--json")
    assert json.loads(shop.stdout)["counts"]["categories"] == 3
    assert _run(people["analyst"], "import-oscal", str(fixtures / "small_catalogue.json"), "--key", "x").exit_code == 3
    assert _run(ciso, "import-oscal", str(tmp_path / "missing.json"), "--key", "x").exit_code == 2

    assert _run(board, "gaps").exit_code == 4  # no assessment yet
    created = _run(ciso, "new-assessment", "Q4 2026", "--on", "2026-11-30", "--tier", "2")
    assert created.exit_code == 0, created.output
    aid = Assessment.objects.get().pk
    assert _run(ciso, "new-assessment", "Bad", "--on", "2026-11-30", "--tier", "9").exit_code == 2
    scored = _run(ciso, "score", str(aid), "PR.AA-01", "--current", "1", "--target", "3", "--owner", "cio",
                  "--evidence", "MFA on VPN only", "--on", "2026-11-20")
    assert scored.exit_code == 0 and "current 1, target 3" in _text(scored)
    _run(ciso, "score", str(aid), "PR.AA-02", "--current", "2", "--target", "3")
    refused = _run(ciso, "score", str(aid), "PR.AA-99", "--current", "2")
    assert refused.exit_code == 2 and "subcategory" in _text(refused)
    assert _run(board, "score", str(aid), "PR.AA-01", "--current", "2").exit_code == 3
    assert _run(ciso, "score", "999999", "PR.AA-01", "--current", "2").exit_code == 4

    gaps = json.loads(_run(board, "gaps", "--json").stdout)
    api = api_as(board).get(f"/posture/assessments/{aid}/profile").json()
    assert gaps == api  # the same figures on the command line and the API
    pr_aa = next(c for c in gaps["categories"] if c["id"] == "PR.AA")
    assert (pr_aa["current"], pr_aa["gap_to_target"], pr_aa["benchmark"]) == (1.5, 1.5, 2.7)
    table = _run(board, "gaps", "--categories")
    assert table.exit_code == 0 and "PR.AA" in table.output and "SYNTHETIC" in _text(table)
    assert _run(board, "gaps", "--mode", "median").exit_code == 2

    exported = tmp_path / "q4.json"
    assert _run(board, "export-oscal", str(aid), "--out", str(exported)).exit_code == 0
    assert json.loads(exported.read_text())["assessment-results"]["results"][0]["title"] == "Q4 2026"
    assert _run(ciso, "import-results", str(exported)).exit_code == 0
    side = json.loads(_run(board, "compare", "--json").stdout)
    assert len(side["assessments"]) == 2 and {f["id"]: f["current"] for f in side["functions"]}["PR"] == [1.5, 1.5]
    assert _run(board, "compare").exit_code == 0

    loaded = _run(ciso, "benchmark", "import", str(fixtures / "benchmark_finance.json"))
    assert loaded.exit_code == 0 and "fs-isac-large-2026" in loaded.output
    listed = json.loads(_run(board, "benchmark", "list", "--json").stdout)
    assert [b["synthetic"] for b in listed] == [False, True]
    assert [a["title"] for a in json.loads(_run(board, "assessments", "--json").stdout)] == ["Q4 2026", "Q4 2026"]
