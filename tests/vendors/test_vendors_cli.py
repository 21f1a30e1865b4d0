"""`accord vendors ...`: list, show, add, import, questionnaire, assess, tier and link, with the usual exit
codes (2 refused input, 3 not allowed, 4 not found)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.vendors.models import Vendor

from .conftest import all_answers

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _text(result):
    return " ".join(result.output.split())  # rich wraps long lines


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["vendors", *args, "--token", token])


def test_the_register_from_the_command_line(db, frozen, people, business, tmp_path):
    added = _run(people["ciso"], "add", "--name", "PayCo", "--service", "Card payments", "--owner", "cio@example.com",
                 "--sensitivity", "restricted", "--criticality", "high", "--business-service", "Web shop")
    assert added.exit_code == 0, added.output
    assert "tier critical, first review due 2026-03-02" in _text(added)
    assert _run(people["analyst"], "add", "--name", "X", "--service", "y", "--owner", "cio@example.com").exit_code == 3
    bad = _run(people["ciso"], "add", "--name", "X", "--service", "y", "--owner", "ghost@example.com")
    assert bad.exit_code == 2 and "owner" in _text(bad)

    listing = tmp_path / "vendors.csv"
    listing.write_text("name,service_provided,owner,data_sensitivity,criticality\n"
                       "Print Shop,Brochures,ciso@example.com,none,low\n")
    assert _run(people["cio"], "import", str(listing)).exit_code == 0
    broken = tmp_path / "broken.csv"
    broken.write_text("name,criticality\nPrint Shop,extreme\n")
    refused = _run(people["cio"], "import", str(broken))
    assert refused.exit_code == 2 and "line 2, column 'criticality'" in _text(refused)

    form = json.loads(runner.invoke(app, ["vendors", "questionnaire", "--json"]).stdout)  # no database, no token
    assert [q["id"] for q in form["questions"]] == list(all_answers())
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(all_answers()))
    assessed = _run(people["ciso"], "assess", "payco", "--answers", str(answers), "--answer", "exit=no",
                    "--on", "2026-03-01")
    assert assessed.exit_code == 0, assessed.output
    assert "93.8/100" in _text(assessed) and "next review due 2027-03-01" in _text(assessed)  # 15 of 16
    missing = _run(people["ciso"], "assess", "payco", "--answer", "mfa=yes")
    assert missing.exit_code == 2 and "answers.certification: not answered" in _text(missing)
    assert _run(people["ciso"], "assess", "nope", "--answer", "mfa=yes").exit_code == 4

    assert _run(people["ciso"], "tier", "print-shop", "high").exit_code == 2  # --reason is required
    tiered = _run(people["ciso"], "tier", "print-shop", "high", "--reason", "Prints our payslips")
    assert tiered.exit_code == 0 and "overridden; the matrix gives low" in _text(tiered)
    assert Vendor.objects.get(slug="print-shop").tier_override_reason == "Prints our payslips"

    listed = json.loads(_run(people["auditor"], "list", "--json").stdout)
    assert [v["slug"] for v in listed["vendors"]] == ["payco", "print-shop"]
    assert listed["critical_on_time_percent"] == 100.0 and listed["as_of"] == "2026-03-02"
    assert listed["vendors"][1]["tier"] == "high" and listed["vendors"][1]["matrix_tier"] == "low"
    table = _run(people["auditor"], "list")
    assert "Critical vendors assessed on time: 100.0% (1 of 1, as of 2026-03-02)" in _text(table)
    shown = json.loads(_run(people["auditor"], "show", "payco", "--json").stdout)
    assert shown["assessments"][0]["score"] == "93.8" and shown["business_services"] == ["Web shop"]
    assert "next due 2027-03-01" in _text(_run(people["auditor"], "show", "payco"))
    assert _run(people["itops"], "list").exit_code == 3


def test_linking_from_the_command_line(db, frozen, people, person, make_vendor):
    from accord.reviews import services as reviews

    make_vendor()
    reviews.create_project(actor=people["cio"], name="Payouts", owner=person("owner"))
    assert _run(people["ciso"], "link", "payco").exit_code == 2
    assert _run(people["ciso"], "link", "payco", "--project", "payouts").exit_code == 0
    shown = json.loads(_run(people["ciso"], "show", "payco", "--json").stdout)
    assert [p["slug"] for p in shown["projects"]] == ["payouts"]
    assert _run(people["ciso"], "link", "payco", "--project", "payouts", "--remove").exit_code == 0
    assert _run(people["ciso"], "link", "payco", "--risk", "nope").exit_code == 4
