"""The pipeline gate on SARIF fixtures written for it (tests/reviews/fixtures), through the service, the
API (`POST /api/v1/reviews/gate`, multipart) and the command line (`accord reviews gate`, exit codes)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.reviews import services
from accord.reviews.models import GateRun

from .conftest import FIXTURES

runner = CliRunner()


def _gate(actor, project, name):
    with (FIXTURES / name).open("rb") as handle:
        return services.run_gate(actor=actor, project=project, file=handle, filename=name)


def _approve(people, project, outcome="approved", conditions=()):
    review = services.request_review(actor=people["owner"], project=project)
    services.triage_review(actor=people["analyst"], review=review)
    services.decide_review(actor=people["analyst"], review=review, outcome=outcome, note="reviewed",
                           conditions=conditions)
    return review


def test_the_gate_under_the_project_s_policy(db, frozen, people, portal):
    owner = people["owner"]
    refused = _gate(owner, portal, "high.sarif")
    assert refused.result == "fail" and refused.review is None
    assert refused.reasons[0] == "the project has no approved security review"
    assert refused.reasons[1].startswith("2 unaccepted results at or above high: py/hardcoded-credentials (critical)")
    assert refused.counts == {"critical": 1, "high": 1, "medium": 0, "low": 1, "info": 0}

    review = _approve(people, portal)
    first = _gate(owner, portal, "clean.sarif")
    assert first.result == "pass" and first.reasons == [] and first.review == review and first.baseline is None
    assert "first run since review" in first.notes[0]
    assert "1 result accepted by a suppression in the file" in first.notes[1]

    new = _gate(people["analyst"], portal, "new_medium.sarif")  # the same debug finding, and one new warning
    assert new.result == "fail" and new.baseline == first
    assert len(new.reasons) == 1 and new.reasons[0].startswith(
        f"1 new result since the approval of review #{review.pk} (baseline: gate run #{first.pk}): "
        "python.requests.no-timeout (medium) at app/partners.py:23")

    again = _gate(owner, portal, "clean.sarif")
    assert again.result == "pass" and again.baseline == first
    worse = _gate(owner, portal, "high.sarif")
    assert worse.result == "fail" and worse.baseline == again
    assert [r.split(":")[0] for r in worse.reasons] == ["2 unaccepted results at or above high",
                                                        f"3 new results since the approval of review #{review.pk} "
                                                        f"(baseline"]
    services.update_project(actor=owner, project=portal, gate_fail_on="critical", gate_fail_on_new=False)
    relaxed = _gate(owner, portal, "high.sarif")
    assert relaxed.reasons == ["1 unaccepted result at or above critical: py/hardcoded-credentials (critical) at "
                               "app/db.py:7"]
    assert AuditEvent.objects.filter(action="gate.ran").count() == GateRun.objects.count() == 6


def test_a_rejection_or_a_late_condition_fails_the_gate(db, frozen, people, portal, intranet):
    _approve(people, portal, "rejected")
    assert _gate(people["owner"], portal, "clean.sarif").reasons[0].endswith("was rejected")
    _approve(people, intranet, "conditions", conditions=[
        services.NewCondition("Rotate the service account key", people["person"]["owner"], date(2026, 3, 1))])
    late = _gate(people["owner"], intranet, "clean.sarif")
    assert late.result == "fail" and "open past its due day 2026-03-01: Rotate the service account key" in late.reasons[0]


def test_who_may_call_the_gate_and_bad_files(db, frozen, people, portal):
    for role in ("itops", "auditor", "steering", "admin"):
        with pytest.raises(NotAllowed):
            _gate(people[role], portal, "clean.sarif")
    assert _gate(people["ciso"], portal, "clean.sarif").result == "fail"  # review.write: may call it
    with pytest.raises(ValidationFailed) as refused:
        _gate(people["owner"], portal, "not_sarif.sarif")
    assert "expected SARIF version 2.1.0" in str(refused.value) and "$.version" in str(refused.value)
    assert refused.value.source == "not_sarif.sarif"
    assert GateRun.objects.count() == 1


def test_the_gate_over_the_api(db, frozen, people, portal, api_as):
    _approve(people, portal)

    def post(user, name, project="customer-portal-v2"):
        upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="application/sarif+json")
        return api_as(user).client.post("/api/v1/reviews/gate", data={"project": project, "file": upload},
                                        headers=api_as(user).headers)

    passed = post(people["owner"], "clean.sarif")
    assert passed.status_code == 200, passed.content
    assert passed.json()["result"] == "pass" and passed.json()["reasons"] == []
    failed = post(people["analyst"], "high.sarif")
    assert failed.status_code == 200 and failed.json()["result"] == "fail" and len(failed.json()["reasons"]) == 2
    assert post(people["itops"], "clean.sarif").status_code == 403
    bad = post(people["owner"], "not_sarif.sarif")
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "file"
    assert post(people["owner"], "clean.sarif", project="nope").status_code == 404
    runs = api_as(people["auditor"]).get("/reviews/gate/runs?project=customer-portal-v2")
    assert runs.status_code == 200 and [r["result"] for r in runs.json()] == ["fail", "pass"]


@pytest.fixture
def _no_saved_token(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)


def test_the_gate_from_the_command_line(db, frozen, people, portal, _no_saved_token):
    _approve(people, portal)
    token = account_services.create_token(actor=people["owner"], name="ci").secret

    def gate(name, *extra):
        return runner.invoke(app, ["reviews", "gate", "--project", "customer-portal-v2", str(FIXTURES / name),
                                   "--token", token, *extra])

    passed = gate("clean.sarif")
    assert passed.exit_code == 0, passed.output
    assert "PASS" in passed.output
    failed = gate("high.sarif", "--json")
    assert failed.exit_code == 1
    document = json.loads(failed.stdout)
    assert document["result"] == "fail" and document["reasons"][0].startswith("2 unaccepted results")
    assert gate("not_sarif.sarif").exit_code == 2
    assert gate("missing.sarif").exit_code == 2
    unknown = runner.invoke(app, ["reviews", "gate", "--project", "nope", str(FIXTURES / "clean.sarif"),
                                  "--token", token])
    assert unknown.exit_code == 2 and "not found" in unknown.output
    itops = account_services.create_token(actor=people["itops"], name="ci").secret
    refused = runner.invoke(app, ["reviews", "gate", "--project", "customer-portal-v2",
                                  str(FIXTURES / "clean.sarif"), "--token", itops])
    assert refused.exit_code == 3


def test_a_project_key_of_digits_other_than_0_to_9_is_not_found_not_a_server_error(people, api_as):
    # "²" is a digit to str.isdigit() but not a number to int(): schemathesis found the 500
    assert api_as(people["auditor"]).get("/reviews/gate/runs?project=%C2%B2").status_code == 404
