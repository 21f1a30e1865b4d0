"""`accord culture ...`: the same figures as the API, a refused file naming its line and column, and
contacts logged from the command line (exit codes: 2 refused input, 3 not allowed, 4 not found)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.culture.models import Contact, PhishingResult

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["culture", *args, "--token", token])


def _text(result):
    return " ".join(result.output.split())


def test_champions_match_the_api(people, culture, api_as):
    result = _run(people["auditor"], "champions", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["coverage"] == api_as(people["auditor"]).get("/culture/coverage").json()
    shown = _run(people["auditor"], "champions")
    assert "50.0%" in _text(shown) and "no active champion: Network" in _text(shown)
    assert _run(people["board"], "champions").exit_code == 3


def test_import_phishing_and_campaigns(people, culture, tmp_path):
    campaign = culture["campaign"].pk
    bad = tmp_path / "bad.csv"
    bad.write_text("email,clicked,reported\na@example.com,yes,no\nnot-mail,no,no\n")
    refused = _run(people["analyst"], "import-phishing", str(bad), "--campaign", str(campaign))
    assert refused.exit_code == 2 and "line 3, column 'email'" in _text(refused)
    assert not PhishingResult.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text("email,clicked,reported\na@example.com,yes,no\nb@example.com,no,yes\nc@example.com,no,no\n"
                    "d@example.com,no,yes\n")
    done = _run(people["analyst"], "import-phishing", str(good), "--campaign", str(campaign))
    assert done.exit_code == 0 and "click rate 25.0%, report rate 50.0% of 4 delivered" in _text(done)
    assert _run(people["auditor"], "import-phishing", str(good), "--campaign", str(campaign)).exit_code == 3
    assert _run(people["analyst"], "import-phishing", str(good), "--campaign", "999").exit_code == 4
    listed = json.loads(_run(people["cio"], "campaigns", "--json").stdout)
    assert listed["as_of"] == "2026-03-02" and listed["campaigns"][0]["phishing"]["click_rate"] == 25.0


def test_stakeholders_and_contacts(people, culture):
    pk = str(culture["stakeholder"].pk)
    overdue = _run(people["ciso"], "stakeholders", "--overdue")
    assert "Henrik Lund" in _text(overdue) and "overdue 30 d" in _text(overdue)
    as_auditor = json.loads(_run(people["auditor"], "stakeholders", "--json").stdout)
    assert as_auditor["stakeholders"][0]["notes"] is None
    mine = json.loads(_run(people["cio"], "stakeholders", "--mine", "--json").stdout)
    assert [s["name"] for s in mine["stakeholders"]] == ["Henrik Lund"]
    assert _run(people["auditor"], "contact", pk, "--channel", "video").exit_code == 3
    assert _run(people["cio"], "contact", pk, "--on", "yesterday").exit_code == 2
    assert _run(people["cio"], "contact", pk, "--channel", "pigeon").exit_code == 2
    logged = _run(people["cio"], "contact", pk, "--channel", "video", "--summary", "budget")
    assert logged.exit_code == 0 and "next due 2026-04-01" in _text(logged)
    assert Contact.objects.get().channel == "video"
    assert json.loads(_run(people["cio"], "stakeholders", "--mine", "--json").stdout)["stakeholders"] == []
