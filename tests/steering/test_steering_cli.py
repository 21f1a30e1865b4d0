"""`accord steering members|meetings|agenda|decide|actions|pack` with a personal token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core import clock
from accord.steering.models import AgendaItem, FollowUp

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def run(*args):
    return runner.invoke(app, ["steering", *args])


def test_the_committee_from_the_command_line(people, meeting, rejected_review, api_as, tmp_path):
    token = account_services.create_token(actor=people["ciso"], name="cli").secret
    members = run("members", "--json", "--token", token)
    assert members.exit_code == 0, members.output
    assert [m["seat"] for m in json.loads(members.stdout)] == ["business_unit", "cio", "ciso"]
    built = run("agenda", "--build", "--token", token)
    assert built.exit_code == 0 and "1 added" in built.output and "Security review" in built.output
    added = run("agenda", str(meeting.pk), "--add", "Budget split", "--figure", "Security budget: EUR 2,400,000",
                "--token", token)
    assert added.exit_code == 0, added.output
    assert run("agenda", "--add", "x", "--figure", "no colon", "--token", token).exit_code == 2
    document = json.loads(run("agenda", "--json", "--token", token).stdout)
    api_document = api_as(people["ciso"]).get(f"/steering/meetings/{meeting.pk}/pack").json()
    assert document["sections"] == api_document["sections"]  # the same figures as the API
    item = AgendaItem.objects.get(source="manual")
    due = (clock.today() + timedelta(days=5)).isoformat()
    decided = run("decide", str(item.pk), "--question", "Move 15%?", "--outcome", "Yes", "--option", "Yes",
                  "--option", "No", "--action", f"Re-plan the budget|cio|{due}", "--json", "--token", token)
    assert decided.exit_code == 0, decided.output
    body = json.loads(decided.stdout)
    assert body["figures"]["Security budget"] == "EUR 2,400,000" and body["follow_ups"][0]["owner"] == "cio"
    refused = run("decide", str(item.pk), "--question", "Again?", "--outcome", "No", "--token", token)
    assert refused.exit_code == 2 and "reverses_id" in refused.output
    assert run("decide", str(item.pk), "--question", "Q", "--outcome", "x", "--action", "bad", "--token",
               token).exit_code == 2
    actions = json.loads(run("actions", "--json", "--token", token).stdout)
    assert [(a["title"], a["overdue"]) for a in actions] == [("Re-plan the budget", False)]
    closed = run("actions", "--close", str(actions[0]["id"]), "--note", "done", "--token", token)
    assert closed.exit_code == 0 and FollowUp.objects.get().status == "done"
    meetings = json.loads(run("meetings", "--json", "--token", token).stdout)
    assert meetings[0]["open_items"] == 1
    pdf = tmp_path / "pack.pdf"
    printed = run("pack", "--pdf", str(pdf), "--token", token)
    assert printed.exit_code == 0, printed.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    shown = run("pack", "--token", token)
    assert shown.exit_code == 0 and "Customer portal v2" in " ".join(shown.output.split())


def test_refusals_exit_with_codes(people, meeting):
    member = account_services.create_token(actor=people["steering"], name="cli").secret
    assert run("agenda", "--build", "--token", member).exit_code == 3  # not allowed
    assert run("agenda", "999", "--token", member).exit_code == 4  # no such meeting
    assert run("members", "--token", "acc_wrong").exit_code == 3
