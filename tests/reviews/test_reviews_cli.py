"""`accord reviews ...`: the roadmap, a review's steps, the queue, escalations and the SLA from the
command line, with the usual exit codes (2 refused input, 3 not allowed, 4 not found)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.reviews.models import ItProject, Review, ReviewSlaPolicy, ReviewState

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def _text(result):
    return " ".join(result.output.split())  # rich wraps long lines


def _run(user, *args):
    token = account_services.create_token(actor=user, name="cli").secret
    return runner.invoke(app, ["reviews", *args, "--token", token])


def test_a_review_from_the_command_line(db, frozen, people, org_data, tmp_path):
    roadmap = tmp_path / "roadmap.csv"
    roadmap.write_text("name,owner,data_classification,exposure\nClaims upload,owner@example.com,confidential,public\n")
    assert _run(people["owner"], "import", str(roadmap)).exit_code == 0
    listed = _run(people["auditor"], "projects", "--json")
    assert json.loads(listed.stdout)[0]["tier"] == "full"
    refused = _run(people["owner"], "request", "claims-upload", "--tier", "light")
    assert refused.exit_code == 2 and "tier_reason" in _text(refused)
    assert _run(people["analyst"], "request", "claims-upload").exit_code == 3
    assert _run(people["owner"], "request", "nope").exit_code == 4
    requested = _run(people["owner"], "request", "claims-upload", "--scope", "photos")
    assert requested.exit_code == 0 and "80 business hours" in _text(requested)
    review = Review.objects.get()
    assert _run(people["analyst"], "triage", str(review.pk), "--reviewer", "analyst2").exit_code == 0
    queue = _run(people["analyst2"], "queue", "--json")
    assert [r["id"] for r in json.loads(queue.stdout)] == [review.pk]
    assert _run(people["analyst2"], "ask", str(review.pk), "Malware scanning?").exit_code == 0
    shown = _run(people["owner"], "show", str(review.pk))
    assert "paused" in _text(shown) and "waiting" in _text(shown)
    assert _run(people["owner"], "answer", str(review.pk), "ClamAV").exit_code == 0
    bad = _run(people["analyst2"], "decide", str(review.pk), "conditions", "--condition", "no pipes")
    assert bad.exit_code == 2 and "--condition" in _text(bad)
    decided = _run(people["analyst2"], "decide", str(review.pk), "conditions", "--note", "ok", "--condition",
                   "Keep photos 90 days|owner@example.com|2026-05-01")
    assert decided.exit_code == 0, decided.output
    review.refresh_from_db()
    assert review.state == ReviewState.CONDITIONS
    condition = review.conditions.get()
    assert _run(people["owner"], "condition", str(condition.pk), "met", "--note", "Lifecycle rule").exit_code == 0
    document = json.loads(_run(people["auditor"], "show", str(review.pk), "--json").stdout)
    assert [t["to"] for t in document["timeline"]][-1] == "conditions" and document["clock"]["stopped"]
    assert _run(people["auditor"], "list", "--json").exit_code == 0
    assert json.loads(_run(people["steering"], "escalations", "--json").stdout) == []
    exported = tmp_path / "out.csv"
    assert _run(people["auditor"], "export", "--out", str(exported)).exit_code == 0
    assert "Claims upload" in exported.read_text()
    assert ItProject.objects.count() == 1


def test_the_sla_from_the_command_line(db, people):
    days = ["--triage", "2", "--light", "4", "--full", "10", "--vendor", "15", "--emergency", "1"]
    assert _run(people["analyst"], "sla", "propose", *days).exit_code == 3
    assert _run(people["cio"], "sla", "propose", *days, "--light", "x").exit_code == 2
    assert _run(people["cio"], "sla", "propose", *days).exit_code == 0
    policy = ReviewSlaPolicy.objects.get(status="proposed")
    assert _run(people["cio"], "sla", "confirm", str(policy.pk)).exit_code == 2  # the proposer
    assert _run(people["ciso"], "sla", "confirm", str(policy.pk)).exit_code == 0
    shown = _run(people["owner"], "sla", "show")
    assert shown.exit_code == 0 and "32" in shown.output  # light: 4 business days of 8 hours
