"""The incidents API: every operation behind incident.read or incident.write, the same services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.incidents.models import EventKind, ExecutiveUpdate, Incident


@pytest.fixture
def analyst_api(api_as, people):
    return api_as(people["analyst"])


def test_open_read_change_and_list(analyst_api, org_data, commander, now, euro):
    body = {"title": "Data leak via the partner API", "severity": 2, "detected_at": (now - timedelta(hours=1)).isoformat(),
            "service_ids": [org_data["web"].pk], "asset_ids": [org_data["assets"][2].pk], "commander_id": commander.pk,
            "personal_data": True}
    created = analyst_api.post("/incidents/", body)
    assert created.status_code == 201, created.content
    document = created.json()
    assert document["reference"] == f"INC-{document['id']}" and document["services"] == [{"id": org_data["web"].pk,
                                                                                            "name": "Website"}]
    assert document["assets"] == ["www-01"] and document["commander"] == "Dana Okafor"
    assert [c["key"] for c in document["clocks"]] == ["supervisory_authority"]
    assert document["clocks"][0]["basis"] == "Regulation (EU) 2016/679 (GDPR), Art. 33(1)"
    assert document["next_update_due"] is not None
    incident_id = document["id"]
    changed = analyst_api.patch(f"/incidents/{incident_id}", {"severity": 1, "nis2_entity": True})
    assert changed.status_code == 200 and changed.json()["severity"] == 1 and len(changed.json()["clocks"]) == 3
    assert analyst_api.patch(f"/incidents/{incident_id}", {"service_ids": [999999]}).status_code == 422
    listed = analyst_api.get("/incidents/?open=true&exercise=false").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == incident_id
    phase = analyst_api.post(f"/incidents/{incident_id}/phase", {"phase": "contain", "note": "blocked the key"})
    assert phase.status_code == 200 and phase.json()["phase"] == "contain"
    note = analyst_api.post(f"/incidents/{incident_id}/notes", {"text": "Key rotated."})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    kinds = [e["kind"] for e in analyst_api.get(f"/incidents/{incident_id}/timeline").json()]
    assert kinds == ["opened", "severity", "change", "phase", "note"]


UPDATE = {
    "bottom_line": "Partner API keys leaked; customer addresses probably read.",
    "facts": ["A partner's key was used from an unknown address."],
    "judgements": [{"statement": "Addresses were read.", "likelihood": "very_likely", "confidence": "high",
                    "basis": "API access logs"}],
    "unknowns": ["How many customers."],
    "decisions_needed": ["CIO: suspend the partner API for all partners?"],
    "records": {"low": 1000, "high": 40000},
    "downtime_hours": {"low": 2, "high": 6},
    "other_cost": {"low": 10000, "high": 90000},
    "cost_note": "notification and call centre",
}


def test_updates_briefing_and_pdf(analyst_api, api_as, incident, people):
    written = analyst_api.post(f"/incidents/{incident.pk}/updates", UPDATE)
    assert written.status_code == 201, written.content
    update = written.json()
    assert update["number"] == 1 and update["currency"] == "EUR"
    assert update["judgements"][0]["likelihood_text"] == "very likely (80\u201395%)"
    assert update["downtime_cost"] == {"low": 80000.0, "high": 240000.0}
    assert update["total_cost"] == {"low": 90000.0, "high": 330000.0}
    cio = api_as(people["cio"])
    briefing = cio.get(f"/incidents/{incident.pk}/briefing").json()
    assert briefing["bottom_line"] == UPDATE["bottom_line"] and briefing["cost"]["text"] == "EUR 90.0k to 330k"
    assert briefing["text"].index("BOTTOM LINE") < briefing["text"].index("WHAT WE KNOW")
    assert {d["key"] for d in briefing["deadlines"]} == {"early_warning", "supervisory_authority",
                                                          "incident_notification"}
    pdf = cio.get(f"/incidents/{incident.pk}/briefing.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert [u["number"] for u in cio.get(f"/incidents/{incident.pk}/updates").json()] == [1]


@pytest.mark.parametrize("drop", ["likelihood", "confidence"])
def test_a_judgement_without_term_or_confidence_is_refused(analyst_api, incident, drop):
    body = {**UPDATE, "judgements": [{k: v for k, v in UPDATE["judgements"][0].items() if k != drop}]}
    refused = analyst_api.post(f"/incidents/{incident.pk}/updates", body)
    assert refused.status_code == 422 and drop in refused.content.decode()
    assert not ExecutiveUpdate.objects.exists()


def test_an_inverted_interval_is_refused_with_its_field(analyst_api, incident):
    refused = analyst_api.post(f"/incidents/{incident.pk}/updates", {**UPDATE, "records": {"low": 9, "high": 1}})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "records"


def test_regulators_clocks_decisions_actions(analyst_api, api_as, incident, people, commander):
    ciso = api_as(people["ciso"])
    sent = ciso.post(f"/incidents/{incident.pk}/regulator-notifications",
                     {"regime": "nis2", "deadline": "early_warning", "authority": "CSIRT"})
    assert sent.status_code == 201 and sent.json()["kind"] == EventKind.REGULATOR
    assert ciso.post(f"/incidents/{incident.pk}/regulator-notifications",
                     {"regime": "sec", "deadline": "form_8k_item_1_05"}).status_code == 422
    clocks = {c["key"]: c for c in analyst_api.get(f"/incidents/{incident.pk}/clocks").json()}
    assert clocks["early_warning"]["state"] == "met" and clocks["supervisory_authority"]["seconds_left"] > 0
    running = api_as(people["cio"]).get("/incidents/clocks").json()
    assert [r["key"] for r in running] == ["supervisory_authority", "incident_notification"]
    assert running[0]["reference"] == incident.reference and running[0]["basis"]
    decided = ciso.post(f"/incidents/{incident.pk}/decisions", {"question": "Pay?", "outcome": "No."})
    assert decided.status_code == 201
    action = ciso.post(f"/incidents/{incident.pk}/actions", {"text": "Call the insurer", "owner_id": commander.pk})
    assert action.status_code == 201 and action.json()["owner"] == "Dana Okafor"
    closed = ciso.post(f"/incidents/actions/{action.json()['id']}/close", {"status": "done"})
    assert closed.status_code == 200 and closed.json()["status"] == "done"


def test_review_exercises_times_settings(analyst_api, api_as, incident, people, now):
    ciso = api_as(people["ciso"])
    assert ciso.get(f"/incidents/{incident.pk}/review").status_code == 404
    assert ciso.call("PUT", f"/incidents/{incident.pk}/review",
                     {"held_on": "2026-12-01", "summary": "s"}).status_code == 422  # not recovered yet
    ciso.post(f"/incidents/{incident.pk}/phase", {"phase": "closed"})
    saved = ciso.call("PUT", f"/incidents/{incident.pk}/review", {"held_on": "2026-12-01", "summary": "Phishing."})
    assert saved.status_code == 200 and saved.json()["lessons"] == []
    lesson = ciso.post(f"/incidents/{incident.pk}/review/lessons",
                       {"text": "Train people.", "actions": [{"text": "Phishing drill"}]})
    assert lesson.status_code == 201 and lesson.json()["actions"][0]["text"] == "Phishing drill"
    scenarios = analyst_api.get("/incidents/scenarios").json()
    assert {s["key"] for s in scenarios} == {"ransomware", "vendor_breach", "cloud_credentials"}
    assert analyst_api.post("/incidents/exercises", {"scenario": "meteor"}).status_code == 422
    exercise = analyst_api.post("/incidents/exercises", {"scenario": "cloud_credentials"})
    assert exercise.status_code == 201 and exercise.json()["exercise"] is True
    times = analyst_api.get("/incidents/response-times").json()
    assert times["incidents"] == 1 and times["exercises_excluded"] == 1
    assert {m["key"] for m in times["measures"]} == {"detect", "acknowledge", "contain", "resolve"}
    assert ciso.patch("/incidents/settings", {"sev1_every_minutes": 120}).json()["sev1_every_minutes"] == 120
    assert ciso.patch("/incidents/settings", {"regimes": ["gdpr", "mars"]}).status_code == 422
    assert Incident.objects.filter(exercise=True).count() == 1


def test_readers_read_and_cannot_write(api_as, incident, people):
    for role in ("cio", "itops", "steering"):
        client = api_as(people[role])
        assert client.get(f"/incidents/{incident.pk}").status_code == 200, role
        assert client.post(f"/incidents/{incident.pk}/notes", {"text": "x"}).status_code == 403, role
    for role in ("board", "owner"):
        assert api_as(people[role]).get("/incidents/").status_code == 403, role
