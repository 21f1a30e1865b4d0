"""`accord incidents list|show|open|update|phase|notified|briefing|exercise|times` with a token."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.incidents.models import EventKind, Incident

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def run(*args):
    return runner.invoke(app, ["incidents", *args])


def test_open_update_phase_notified_briefing(people, org_data, commander, euro, tmp_path):
    token = _token(people["ciso"])
    opened = run("open", "Ransomware on ERP", "--severity", "1", "--service", "ERP", "--asset", "erp-db-01",
                 "--personal-data", "--nis2", "--json", "--token", token)
    assert opened.exit_code == 0, opened.output
    document = json.loads(opened.stdout)
    incident_id = document["id"]
    assert document["commander"] == "Dana Okafor" and len(document["clocks"]) == 3
    assert run("open", "x", "--service", "Nope", "--token", token).exit_code == 2
    refused = run("update", str(incident_id), "--bottom-line", "Down.", "--judgement", "Data taken|probable|low|logs",
                  "--token", token)
    assert refused.exit_code == 2 and "judgements[0].likelihood" in refused.output
    updated = run("update", str(incident_id), "--bottom-line", "The ERP is down; restore takes 1-3 days.",
                  "--fact", "Encryption on erp-db-01", "--judgement", "Data was taken|likely|moderate|egress logs",
                  "--unknown", "Entry point", "--decision", "CIO: keep it offline?", "--downtime", "24-72",
                  "--cost", "100,000-500,000", "--records", "0..5000", "--action", "Verify backups", "--token", token)
    assert updated.exit_code == 0, updated.output
    assert "update #1 written" in updated.output
    update = Incident.objects.get(pk=incident_id).updates.get()
    assert update.downtime_cost() == (960_000.0, 2_880_000.0) and update.records_high == 5000
    assert run("phase", str(incident_id), "contain", "--note", "isolated", "--token", token).exit_code == 0
    assert run("phase", str(incident_id), "sideways", "--token", token).exit_code == 2
    sent = run("notified", str(incident_id), "nis2", "early_warning", "--authority", "CSIRT", "--token", token)
    assert sent.exit_code == 0 and "Early warning" in sent.output
    assert Incident.objects.get(pk=incident_id).timeline.filter(kind=EventKind.REGULATOR).count() == 1
    text = run("briefing", str(incident_id), "--text", "--token", token)
    assert text.exit_code == 0 and text.stdout.index("BOTTOM LINE") < text.stdout.index("WHAT WE KNOW")
    assert "EUR 1.06M to 3.38M" in text.stdout
    pdf = tmp_path / "briefing.pdf"
    written = run("briefing", str(incident_id), "--pdf", str(pdf), "--token", token)
    assert written.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    shown = run("show", str(incident_id), "--token", token)
    assert shown.exit_code == 0, shown.output
    assert "Regulatory clocks" in shown.output and "NIS2" in shown.output and "met" in shown.output
    listed = run("list", "--json", "--token", token)
    assert [row["id"] for row in json.loads(listed.stdout)] == [incident_id]


def test_update_from_a_json_file(incident, people, tmp_path):
    body = tmp_path / "update.json"
    body.write_text(json.dumps({"bottom_line": "From a file.", "facts": ["one"], "downtime_hours": {"low": 1, "high": 2},
                                "judgements": [{"statement": "s", "likelihood": "unlikely", "confidence": "low",
                                                "basis": "b"}]}))
    result = run("update", str(incident.pk), "--file", str(body), "--token", _token(people["analyst"]))
    assert result.exit_code == 0, result.output
    assert incident.updates.get().judgements.get().likelihood == "unlikely"


def test_exercises_and_times(people, org_data):
    token = _token(people["analyst"])
    listed = run("exercise", "--token", token)
    assert listed.exit_code == 0 and "vendor_breach" in listed.output
    started = run("exercise", "vendor_breach", "--token", token)
    assert started.exit_code == 0 and "EXERCISE" in started.output
    assert run("exercise", "meteor", "--token", token).exit_code == 4
    times = run("times", "--json", "--token", token)
    assert json.loads(times.stdout)["exercises_excluded"] == 1
    shown = run("list", "--token", token)
    assert "[EXERCISE]" in shown.output


def test_readers_cannot_write(incident, people):
    result = run("update", str(incident.pk), "--bottom-line", "x", "--token", _token(people["cio"]))
    assert result.exit_code == 3 and "incident.write" in result.output
    assert run("show", str(incident.pk), "--token", _token(people["board"])).exit_code == 3
