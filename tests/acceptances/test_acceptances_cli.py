"""`accord acceptances ...`: ask, approve, show, list, revoke and the threshold from the command line,
with the usual exit codes (2 refused input, 3 not allowed, 4 not found) and the API's figures."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["acceptances", *args, "--token", token])


def _text(result):
    return " ".join(result.output.split())


def test_an_acceptance_from_the_command_line(world, in_days, api_as):
    until = in_days(60).isoformat()
    asked = _run(world.cfo, "request", "--cve", "CVE-2024-6387", "--until", until, "--justification",
                 "Patched with the next release.", "--controls", "Port 22 closed at the edge.", "--json")
    assert asked.exit_code == 0, asked.output
    doc = json.loads(asked.stdout)
    assert doc["status"] == "requested" and doc["frozen"]["findings"] == 2
    approver = world.ciso
    approved = _run(approver, "approve", str(doc["id"]), "--comment", "ok", "--json")
    assert approved.exit_code == 0, approved.output
    if json.loads(approved.stdout)["status"] == "requested":  # above the threshold: the CIO too
        approved = _run(world.cio, "approve", str(doc["id"]), "--json")
    assert json.loads(approved.stdout)["status"] == "granted"
    shown = _run(world.cio, "show", str(doc["id"]))
    assert shown.exit_code == 0 and "in force" in _text(shown) and "CVE-2024-6387" in _text(shown)
    listed = json.loads(_run(world.cio, "list", "--json").stdout)
    api = api_as(world.cio).get("/acceptances/").json()
    assert listed["count"] == api["count"] == 1
    assert listed["items"][0]["frozen"] == api["items"][0]["frozen"]  # the same figures as the API
    table = _text(_run(world.cio, "list"))
    assert f"#{doc['id']}" in table or str(doc["id"]) in table
    assert "EUR" in table and "both leaders approve from EUR 100,000" in table
    refused = _run(world.cio, "revoke", str(doc["id"]))
    assert refused.exit_code == 2 and "reason" in _text(refused)
    revoked = _run(world.cio, "revoke", str(doc["id"]), "--reason", "Patched early.", "--json")
    assert json.loads(revoked.stdout)["status"] == "revoked"


def test_refusals_and_exit_codes(world, in_days):
    until = in_days(60).isoformat()
    both = _run(world.cfo, "request", "--scenario", "bec", "--cve", "CVE-2024-6387", "--until", until,
                "--justification", "x")
    assert both.exit_code == 2 and "exactly one" in _text(both)
    bad_day = _run(world.cfo, "request", "--scenario", "bec", "--until", "soon", "--justification", "x")
    assert bad_day.exit_code == 2 and "until" in _text(bad_day)
    past = _run(world.cfo, "request", "--scenario", "bec", "--until", in_days(-1).isoformat(), "--justification", "x")
    assert past.exit_code == 2 and "expires_on" in _text(past)
    assert _run(world.analyst, "request", "--scenario", "bec", "--until", until,
                "--justification", "x").exit_code == 3
    assert _run(world.cio, "show", "999999").exit_code == 4


def test_the_threshold_from_the_command_line(world):
    assert "EUR 100,000" in _text(_run(world.cfo, "threshold"))
    assert _run(world.cfo, "threshold", "5000").exit_code == 3
    changed = _run(world.cio, "threshold", "250000", "--json")
    assert changed.exit_code == 0 and json.loads(changed.stdout)["dual_approval_threshold"] == 250000.0
    assert _run(world.cio, "threshold", "--", "-3").exit_code == 2
