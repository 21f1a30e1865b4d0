"""The scorecard over the API and the command line: the same figures as the selectors (and so the
pages), refusals with their field and status code, thresholds agreed through both, the partnership
review and a retrospective."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.metrics import selectors
from accord.metrics.models import Retrospective, Snapshot, ThresholdSet

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["metrics", *args, "--token", token])


def _text(result):
    return " ".join(result.output.split())


def test_the_api_scorecard_equals_the_selectors(frozen, leaders, findings, api_as):
    answer = api_as(leaders["cio"]).get("/metrics/scorecard")
    assert answer.status_code == 200
    body = answer.json()
    expected = selectors.scorecard_document(selectors.scorecard(leaders["cio"]))
    assert body["as_of"] == "2026-12-01"
    assert [(m["key"], m["value"], m["display"], m["status"]) for m in body["metrics"]] == [
        (m["key"], m["value"], m["display"], m["status"]) for m in expected["metrics"]]
    sla = next(m for m in body["metrics"] if m["key"] == "sla_compliance")
    assert sla["formula"].startswith("(open findings - open findings past their due date)")
    assert sla["drill_url"] == "/vulns/sla/" and sla["thresholds_agreed"] is False and sla["unit"] == "%"
    assert api_as(leaders["itops"]).get("/metrics/scorecard").status_code == 403
    assert api_as(None).get("/metrics/scorecard").status_code == 401


def test_one_metric_with_its_trend(frozen, leaders, findings, api_as):
    from accord.metrics import services

    services.record_history(actor=leaders["ciso"], as_of=date(2026, 11, 30), values={"kev_past_due": 3})
    services.take_snapshot(actor=leaders["ciso"])
    body = api_as(leaders["auditor"]).get("/metrics/metrics/kev_past_due").json()
    assert body["value"] == 1.0 and body["trend"] == [{"month": "2026-11-01", "value": 3.0},
                                                      {"month": "2026-12-01", "value": 1.0}]
    assert api_as(leaders["auditor"]).get("/metrics/metrics/nope").status_code == 404
    assert api_as(leaders["board"]).get("/metrics/metrics/kev_past_due").status_code == 404  # not their area


def test_snapshots_over_the_api(frozen, leaders, api_as):
    taken = api_as(leaders["ciso"]).post("/metrics/snapshots")
    assert taken.status_code == 201 and taken.json()["month"] == "2026-12-01" and taken.json()["taken_by"] == "ciso"
    assert api_as(leaders["auditor"]).post("/metrics/snapshots").status_code == 403
    listed = api_as(leaders["auditor"]).get("/metrics/snapshots").json()
    assert listed["count"] == 1 and listed["items"][0]["source"] == "command"


def test_thresholds_over_the_api(frozen, leaders, api_as):
    refused = api_as(leaders["ciso"]).post("/metrics/thresholds/proposals",
                                           {"thresholds": {"kev_past_due": {"amber": 5, "red": 2}}})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "thresholds.kev_past_due.red"
    assert not ThresholdSet.objects.exists()
    proposed = api_as(leaders["ciso"]).post("/metrics/thresholds/proposals", {
        "thresholds": {"kev_past_due": {"amber": 1, "red": 4}}, "reason": "tighter"})
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    set_id = proposed.json()["id"]
    assert api_as(leaders["ciso"]).post(f"/metrics/thresholds/proposals/{set_id}/agree").status_code == 422
    agreed = api_as(leaders["cio"]).post(f"/metrics/thresholds/proposals/{set_id}/agree")
    assert agreed.status_code == 200 and agreed.json()["status"] == "active" and agreed.json()["agreed_by"] == "cio"
    state = api_as(leaders["board"]).get("/metrics/thresholds").json()
    kev = next(row for row in state["in_force"] if row["key"] == "kev_past_due")
    assert kev == {"key": "kev_past_due", "label": "KEV findings past due", "direction": "higher_is_worse",
                   "amber": 1.0, "red": 4.0, "in_words": "red at 4 findings or more, amber at 1 finding or more",
                   "agreed": True}


def test_partnership_and_retrospective_over_the_api(frozen, leaders, review_example, api_as):
    body = api_as(leaders["steering"]).get("/metrics/partnership/2026Q4").json()
    assert body["start"] == "2026-10-01" and body["end"] == "2026-12-31" and body["as_of"] == "2026-12-01"
    figures = {f["label"]: f["figure"] for f in body["figures"]}
    assert figures["Review SLA attainment"] == "50.0% of 2 reviews"
    assert [t["quarter"] for t in body["trend"]] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert api_as(leaders["steering"]).get("/metrics/partnership/2026Q9").status_code == 422
    recorded = api_as(leaders["ciso"]).post("/metrics/partnership/2026Q4/retrospectives", {
        "worked": "Shared numbers.", "strained": "Review SLA.",
        "actions": [{"title": "Second reviewer", "owner": "cio", "due_on": "2027-01-15"}]})
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["actions"][0]["owner"] == "cio" and recorded.json()["recorded_role"] == "ciso"
    unknown = api_as(leaders["cio"]).post("/metrics/partnership/2026Q4/retrospectives", {
        "worked": "a", "strained": "b", "actions": [{"title": "x", "owner": "ghost", "due_on": "2027-01-15"}]})
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["field"] == "owner"
    assert Retrospective.objects.count() == 1
    again = api_as(leaders["auditor"]).get("/metrics/partnership/2026Q4").json()
    assert again["retrospectives"][0]["worked"] == "Shared numbers."


def test_show_prints_the_scorecard_and_its_json(frozen, leaders, findings):
    printed = _run(leaders["cio"], "show", "--json")
    assert printed.exit_code == 0, printed.output
    document = json.loads(printed.stdout)
    assert document == json.loads(json.dumps(selectors.scorecard_document(selectors.scorecard(leaders["cio"])),
                                             default=str))
    table = _text(_run(leaders["cio"], "show"))
    assert "Open findings" in table and "50.0%" in table and "red" in table
    assert _run(leaders["itops"], "show").exit_code == 3


def test_snapshot_and_thresholds_from_the_command_line(frozen, leaders, findings):
    taken = _run(leaders["ciso"], "snapshot")
    assert taken.exit_code == 0 and "snapshot of 2026-12 taken" in _text(taken) and "red: sla_compliance" in _text(taken)
    assert Snapshot.objects.get().source == "command"
    bad = _run(leaders["ciso"], "thresholds", "propose", "--set", "kev_past_due=5:1")
    assert bad.exit_code == 2 and "thresholds.kev_past_due.red" in _text(bad)
    assert _run(leaders["ciso"], "thresholds", "propose", "--set", "kev_past_due").exit_code == 2
    proposed = _run(leaders["ciso"], "thresholds", "propose", "--set", "kev_past_due=1:2", "--set",
                    "sla_compliance=95:85", "--reason", "stricter")
    assert proposed.exit_code == 0, proposed.output
    row = ThresholdSet.objects.get()
    assert row.thresholds["sla_compliance"] == {"direction": "lower_is_worse", "amber": 95.0, "red": 85.0}
    assert _run(leaders["cio"], "thresholds", "agree", str(row.pk)).exit_code == 0
    shown = json.loads(_run(leaders["auditor"], "thresholds", "show", "--json").stdout)
    assert shown["active"] == row.pk and next(r for r in shown["in_force"] if r["key"] == "kev_past_due")["red"] == 2.0
    assert "agreed" in _text(_run(leaders["auditor"], "thresholds", "show"))


def test_partnership_and_retrospective_from_the_command_line(frozen, leaders, review_example):
    printed = _run(leaders["cio"], "partnership", "--quarter", "2026Q4", "--json")
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == json.loads(json.dumps(
        selectors.partnership_document(leaders["cio"], "2026Q4"), default=str))
    assert "50.0% of 2 reviews" in _text(_run(leaders["cio"], "partnership", "--quarter", "2026Q4"))
    assert _run(leaders["cio"], "partnership", "--quarter", "Q4").exit_code == 2
    recorded = _run(leaders["cio"], "retrospective", "--quarter", "2026Q4", "--worked", "Fast reviews.",
                    "--strained", "Late plans.", "--action", "Plan earlier|ciso|2027-01-31")
    assert recorded.exit_code == 0, recorded.output
    assert Retrospective.objects.get().actions[0]["owner"] == "ciso"
    assert _run(leaders["cio"], "retrospective", "--quarter", "2026Q4", "--worked", "a", "--strained", "b",
                "--action", "no due day").exit_code == 2
