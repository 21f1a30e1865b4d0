"""The reviews API end to end: projects, a review through every step with its clock, conditions, the
queues, escalations, the SLA policy and calendar, CSV in and out; refusals answer 403/404/422."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.reviews.models import ItProject


def test_a_review_through_the_api(db, frozen, people, api_as, org_data):
    owner, analyst, auditor = api_as(people["owner"]), api_as(people["analyst"]), api_as(people["auditor"])
    person = people["person"]["owner"].pk
    created = owner.post("/reviews/projects", {"name": "Claims upload", "owner_id": person, "exposure": "public",
                                               "data_classification": "confidential"})
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "claims-upload" and created.json()["suggested_tier"] == "full"
    assert owner.post("/reviews/projects", {"name": "X", "owner_id": 999999}).status_code == 404
    assert owner.post("/reviews/projects", {"name": "Y", "owner_id": person, "exposure": "moon"}).status_code == 422
    assert analyst.post("/reviews/projects", {"name": "Z", "owner_id": person}).status_code == 403
    patched = owner.patch("/reviews/projects/claims-upload", {"go_live": "2026-06-01"})
    assert patched.status_code == 200 and patched.json()["go_live"] == "2026-06-01"

    requested = owner.post("/reviews/", {"project": "claims-upload", "scope": "Upload of claim photos"})
    assert requested.status_code == 201, requested.content
    review = requested.json()
    assert review["state"] == "requested" and review["sla_hours"] == 80.0
    assert review["clock"]["due"] == "2026-03-13T17:00:00Z" and review["clock"]["remaining_hours"] == 80.0
    rid = review["id"]
    assert owner.post(f"/reviews/{rid}/triage", {}).status_code == 403
    assert analyst.post(f"/reviews/{rid}/triage", {"reviewer": "owner"}).status_code == 422  # not a reviewer
    triaged = analyst.post(f"/reviews/{rid}/triage", {"reviewer": "analyst", "note": "Photos may hold PII"})
    assert triaged.status_code == 200 and triaged.json()["reviewer"] == "analyst"
    assert [r["id"] for r in analyst.get("/reviews/queue").json()] == [rid]
    assert analyst.post(f"/reviews/{rid}/start", {}).status_code == 200
    frozen.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    asked = analyst.post(f"/reviews/{rid}/ask", {"question": "Are photos scanned for malware?"})
    assert asked.json()["clock"]["paused"] and asked.json()["clock"]["due"] is None
    assert [r["id"] for r in owner.get("/reviews/mine").json()] == [rid]
    frozen.set(datetime(2026, 3, 4, 9, tzinfo=UTC))
    answered = owner.post(f"/reviews/{rid}/answer", {"answer": "Yes, ClamAV"})
    assert answered.status_code == 200 and answered.json()["clock"]["remaining_hours"] == 72.0
    assert answered.json()["clock"]["due"] == "2026-03-16T17:00:00Z"  # one working day waited
    decided = analyst.post(f"/reviews/{rid}/decide", {"outcome": "conditions", "note": "OK", "conditions": [
        {"text": "Keep photos 90 days at most", "owner_id": person, "due_on": "2026-05-01"}]})
    assert decided.status_code == 200, decided.content
    detail = auditor.get(f"/reviews/{rid}").json()
    assert [t["to_state"] for t in detail["timeline"]] == ["requested", "triaged", "in_review", "waiting", "in_review",
                                                            "conditions"]
    condition = detail["conditions"][0]
    assert condition["owner"] == "Lucia Ferreira" and condition["status"] == "open"
    assert [c["id"] for c in owner.get("/reviews/conditions/mine").json()] == [condition["id"]]
    assert owner.post(f"/reviews/conditions/{condition['id']}/close", {"status": "waived", "note": "no"}).status_code == 403
    closed = owner.post(f"/reviews/conditions/{condition['id']}/close", {"status": "met", "note": "Lifecycle rule set"})
    assert closed.status_code == 200 and closed.json()["status"] == "met"
    listed = auditor.get("/reviews/?open=false&project=claims-upload")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert listed.json()["items"][0]["clock"]["stopped"] is True
    assert auditor.get("/reviews/999999").status_code == 404
    assert auditor.get("/reviews/escalations").json() == []


def test_sla_policy_and_calendar_over_the_api(db, people, api_as):
    days = {"triage_days": "2", "light_days": "4", "full_days": "10", "vendor_days": "15", "emergency_days": "0.5"}
    proposed = api_as(people["cio"]).post("/reviews/sla/proposals", {**days, "reason": "faster"})
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    pid = proposed.json()["id"]
    assert api_as(people["cio"]).post(f"/reviews/sla/proposals/{pid}/confirm").status_code == 422  # the proposer
    assert api_as(people["analyst"]).post(f"/reviews/sla/proposals/{pid}/confirm").status_code == 403
    confirmed = api_as(people["ciso"]).post(f"/reviews/sla/proposals/{pid}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    sla = api_as(people["owner"]).get("/reviews/sla").json()
    assert sla["days"]["light"] == "4.00" and sla["hours"]["emergency"] == 4.0
    assert sla["table"][3]["without_third_parties"] == ["full", "full", "full"]
    assert api_as(people["ciso"]).patch("/reviews/calendar", {"country": "XX"}).status_code == 422
    calendar = api_as(people["ciso"]).patch("/reviews/calendar", {"country": "GB", "subdivision": "ENG",
                                                                 "workdays": [0, 1, 2, 3]})
    assert calendar.status_code == 200 and calendar.json()["workdays"] == [0, 1, 2, 3]
    assert api_as(people["owner"]).patch("/reviews/calendar", {"country": "GB"}).status_code == 403


def test_csv_in_and_out_over_the_api(db, people, api_as, org_data):
    text = b"name,owner,data_classification\nBI refresh,owner@example.com,internal\nBad,owner@example.com,secret\n"
    client = api_as(people["cio"])
    refused = client.client.post("/api/v1/reviews/projects/import", headers=client.headers,
                                 data={"file": SimpleUploadedFile("roadmap.csv", text)})
    assert refused.status_code == 422
    assert refused.json()["problems"] == [{"field": "data_classification", "line": 3, "column": "data_classification",
                                           "message": "'secret' is not one of public, internal, confidential, "
                                                      "restricted"}]
    assert not ItProject.objects.exists()
    good = client.client.post("/api/v1/reviews/projects/import", headers=client.headers,
                              data={"file": SimpleUploadedFile("roadmap.csv", text.rsplit(b"Bad", 1)[0])})
    assert good.status_code == 200 and good.json()["created"] == 1
    exported = api_as(people["auditor"]).get("/reviews/projects/export")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    assert b"BI refresh,bi-refresh" in exported.content
