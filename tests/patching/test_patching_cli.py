"""`accord patch generate/show/choose/sign/export/forecast/windows/freezes` with a token."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.patching.models import MaintenanceWindow, PatchPlan

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _token(user):
    return account_services.create_token(actor=user, name="cli").secret


def test_windows_and_freezes_from_the_command_line(org_data, ciso):
    token = _token(ciso)
    added = runner.invoke(app, ["patch", "windows", "add", "ERP night", "--service", "ERP", "--start",
                                "2026-12-03T22:00:00+00:00", "--minutes", "240", "--max-changes", "5",
                                "--rrule", "FREQ=WEEKLY;BYDAY=TH", "--token", token])
    assert added.exit_code == 0, added.output
    assert MaintenanceWindow.objects.get().max_changes == 5
    refused = runner.invoke(app, ["patch", "windows", "add", "Bad", "--tag", "web", "--start", "2026-12-03T22:00:00Z",
                                  "--minutes", "2000", "--token", token])
    assert refused.exit_code == 2 and "duration_minutes" in refused.output
    naive = runner.invoke(app, ["patch", "freezes", "add", "x", "--start", "2026-12-20", "--end", "2027-01-03Z",
                                "--token", token])
    assert naive.exit_code == 2 and "--start" in naive.output
    listed = runner.invoke(app, ["patch", "windows", "list", "--token", token])
    assert listed.exit_code == 0 and "ERP night" in listed.output


def test_generate_show_sign_export(planning_data, ciso, cio, tmp_path):
    token = _token(ciso)
    generated = runner.invoke(app, ["patch", "generate", "--horizon-days", "60", "--time-limit", "2", "--frontier",
                                    "2", "--json", "--token", token])
    assert generated.exit_code == 0, generated.output
    document = json.loads(generated.stdout)
    plan_id = document["id"]
    assert document["status"] == "proposed" and len(document["items"]) == 4
    shown = runner.invoke(app, ["patch", "show", "--token", token])
    assert shown.exit_code == 0 and f"Patch plan #{plan_id}" in shown.output
    assert runner.invoke(app, ["patch", "choose", str(plan_id), "1", "--token", token]).exit_code == 0
    early = runner.invoke(app, ["patch", "export", str(plan_id), "--csv", str(tmp_path / "t.csv"), "--token", token])
    assert early.exit_code == 2 and "agreed" in early.output
    assert runner.invoke(app, ["patch", "sign", str(plan_id), "--token", token]).exit_code == 0
    signed = runner.invoke(app, ["patch", "sign", str(plan_id), "--token", _token(cio)])
    assert signed.exit_code == 0 and "agreed" in signed.output
    exported = runner.invoke(app, ["patch", "export", str(plan_id), "--ics", str(tmp_path / "ics"), "--csv",
                                   str(tmp_path / "t.csv"), "--token", token])
    assert exported.exit_code == 0, exported.output
    files = sorted((tmp_path / "ics").iterdir())
    assert files and files[0].read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert (tmp_path / "t.csv").read_text().startswith("ticket,")
    forecast = runner.invoke(app, ["patch", "forecast", str(plan_id), "--json", "--token", token])
    assert forecast.exit_code == 0 and json.loads(forecast.stdout) == []
    assert PatchPlan.objects.get().status == "agreed"


def test_missing_plan_and_bad_token(db, ciso):
    assert runner.invoke(app, ["patch", "show", "--token", _token(ciso)]).exit_code == 4
    assert runner.invoke(app, ["patch", "show", "42", "--token", _token(ciso)]).exit_code == 4
    assert runner.invoke(app, ["patch", "show", "--token", "acc_nope"]).exit_code == 3


def test_show_in_money_job_derivation_and_assumptions(planning_data, ciso, cio):
    token = _token(ciso)
    generated = runner.invoke(app, ["patch", "generate", "--horizon-days", "60", "--time-limit", "2", "--json",
                                    "--token", token])
    document = json.loads(generated.stdout)
    shown = runner.invoke(app, ["patch", "show", "--json", "--token", token])
    assert json.loads(shown.stdout)["currency"] == "USD"
    assert json.loads(shown.stdout)["points"] == document["points"]
    readable = runner.invoke(app, ["patch", "show", "--token", token])
    assert "USD " in readable.output and "recommended" in readable.output
    item = next(i for i in document["items"] if i["hostname"] == "www-01")
    job = runner.invoke(app, ["patch", "job", str(document["id"]), str(item["id"]), "--json", "--token", token])
    assert job.exit_code == 0, job.output
    assert json.loads(job.stdout)["derivation"]["findings"][0]["reach"] == 0.5
    proposed = runner.invoke(app, ["patch", "assumptions", "propose", "--reach-internal", "0.5", "--reason", "flat",
                                   "--token", token])
    assert proposed.exit_code == 0, proposed.output
    from accord.patching.models import ExposureAssumptions

    row = ExposureAssumptions.objects.get()
    own = runner.invoke(app, ["patch", "assumptions", "confirm", str(row.pk), "--token", token])
    assert own.exit_code == 2 and "the CIO answers" in own.output
    confirmed = runner.invoke(app, ["patch", "assumptions", "confirm", str(row.pk), "--token", _token(cio)])
    assert confirmed.exit_code == 0, confirmed.output
    listed = runner.invoke(app, ["patch", "assumptions", "show", "--token", token])
    assert "0.5" in listed.output and f"set #{row.pk}" in listed.output
