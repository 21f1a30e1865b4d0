"""The culture API: who may read and write what, field-named refusals, the upload, and notes as null
for those who may not read them."""

from __future__ import annotations

import pytest

GOPHISH = (b"id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n"
           b"r1,Clicked Link,,0,0,2026-02-10T08:30:00Z,false,,a@example.com,A,A,\n"
           b"r2,Email Sent,,0,0,2026-02-10T08:30:00Z,true,,b@example.com,B,B,\n")


@pytest.mark.parametrize(("role", "status"), [("ciso", 200), ("cio", 200), ("analyst", 200), ("auditor", 200),
                                              ("steering", 200), ("board", 403), ("itops", 403)])
def test_who_reads_the_culture_area(api_as, people, culture, role, status):
    client = api_as(people[role])
    for path in ("/culture/coverage", "/culture/champions", "/culture/campaigns", "/culture/stakeholders"):
        assert client.get(path).status_code == status, (role, path)
    assert api_as(None).get("/culture/coverage").status_code == 401


def test_coverage_and_champions(api_as, people, culture, frozen):
    client = api_as(people["cio"])
    coverage = client.get("/culture/coverage").json()
    assert coverage == {"as_of": "2026-03-02", "unit": "%", "percent": 50.0, "covered": 1, "total": 2, "teams": [
        {"team_id": people["team"]["Network"].pk, "team": "Network", "covered": False, "champions": []},
        {"team_id": people["team"]["Platform"].pk, "team": "Platform", "covered": True, "champions": ["Ana Adler"]}]}
    appointed = client.post("/culture/champions", {"person_id": people["person"]["Cleo Costa"].pk,
                                                   "appointed_on": "2026-03-01", "focus": "firewall rules"})
    assert appointed.status_code == 201 and appointed.json()["team"] == "Network" and appointed.json()["active"]
    assert client.get("/culture/coverage").json()["percent"] == 100.0
    champion_id = appointed.json()["id"]
    logged = client.post(f"/culture/champions/{champion_id}/activities",
                         {"kind": "training", "title": "Firewall course", "on": "2026-03-02", "hours": "7.5"})
    assert logged.status_code == 201 and logged.json()["hours"] == "7.5"
    stepped = client.post(f"/culture/champions/{champion_id}/step-down", {"on": "2026-03-02"})
    assert stepped.status_code == 200 and stepped.json()["active"] is False
    assert client.get("/culture/champions?active=true").json()["count"] == 1
    refused = client.post(f"/culture/champions/{champion_id}/activities",
                          {"kind": "training", "title": "Later", "on": "2026-04-01"})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "on"
    assert api_as(people["auditor"]).post("/culture/programme-teams",
                                          {"team_id": people["team"]["Data"].pk}).status_code == 403
    added = client.post("/culture/programme-teams", {"team_id": people["team"]["Data"].pk})
    assert added.json()["total"] == 3


def test_campaigns_and_the_phishing_upload(api_as, people, culture):
    campaign = culture["campaign"]
    analyst = api_as(people["analyst"])
    uploaded = analyst.client.post(f"/api/v1/culture/campaigns/{campaign.pk}/phishing", headers=analyst.headers,
                                   data={"file": _upload("results.csv", GOPHISH)})
    assert uploaded.status_code == 200, uploaded.content
    body = uploaded.json()
    assert body["layout"] == "gophish" and body["phishing"]["click_rate"] == 50.0
    assert body["phishing"]["report_rate"] == 50.0
    listed = api_as(people["auditor"]).get("/culture/campaigns").json()
    assert listed[0]["phishing"] == body["phishing"]
    bad = analyst.client.post(f"/api/v1/culture/campaigns/{campaign.pk}/phishing", headers=analyst.headers,
                              data={"file": _upload("bad.csv", GOPHISH.replace(b"Clicked Link", b"Clicked"))})
    assert bad.status_code == 422
    assert bad.json()["problems"][0] | {"message": ""} == {"field": "status", "line": 2, "column": "status",
                                                            "message": ""}
    patched = analyst.patch(f"/culture/campaigns/{campaign.pk}", {"training_completed": 3})
    assert patched.status_code == 422 and patched.json()["problems"][0]["field"] == "training_completed"
    assert analyst.patch(f"/culture/campaigns/{campaign.pk}", {"training_completed": 1}).json()["completion_rate"] == 50.0
    assert api_as(people["steering"]).post("/culture/campaigns", {
        "name": "X", "audience": "Y", "audience_size": 1, "starts_on": "2026-01-01"}).status_code == 403


def test_stakeholders_notes_and_contacts(api_as, people, culture):
    pk = culture["stakeholder"].pk
    assert api_as(people["ciso"]).get(f"/culture/stakeholders/{pk}").json()["notes"] == "budget hawk"
    seen_by_auditor = api_as(people["auditor"]).get(f"/culture/stakeholders/{pk}").json()
    assert seen_by_auditor["notes"] is None and seen_by_auditor["overdue"] is True
    assert seen_by_auditor["days_overdue"] == 30 and seen_by_auditor["next_contact_due"] == "2026-01-31"
    cio = api_as(people["cio"])
    logged = cio.post(f"/culture/stakeholders/{pk}/contacts", {"on": "2026-03-02", "channel": "in_person",
                                                               "summary": "Q2 budget"})
    assert logged.status_code == 201 and logged.json()["overdue"] is False
    assert api_as(people["auditor"]).get(f"/culture/stakeholders/{pk}/contacts").json()[0]["summary"] is None
    assert cio.get(f"/culture/stakeholders/{pk}/contacts").json()[0]["summary"] == "Q2 budget"
    assert api_as(people["analyst"]).post(f"/culture/stakeholders/{pk}/contacts",
                                          {"on": "2026-03-02", "channel": "email"}).status_code == 403
    delegated = cio.patch(f"/culture/stakeholders/{pk}", {"keeper": "analyst"})
    assert delegated.status_code == 200 and delegated.json()["keeper"] == "analyst"
    analyst = api_as(people["analyst"])
    assert analyst.get(f"/culture/stakeholders/{pk}").json()["notes"] == "budget hawk"
    assert analyst.post(f"/culture/stakeholders/{pk}/contacts",
                        {"on": "2026-03-01", "channel": "email"}).status_code == 201
    assert cio.patch(f"/culture/stakeholders/{pk}", {"keeper": "nobody"}).status_code == 404
    created = cio.post("/culture/stakeholders", {"name": "Ingrid", "role": "COO", "owner": "cio", "cadence_days": 0})
    assert created.status_code == 422
    created = cio.post("/culture/stakeholders", {"name": "Ingrid", "role": "COO", "owner": "cio", "cadence_days": 30})
    assert created.status_code == 201 and created.json()["overdue"] is True
    mine = [s["name"] for s in cio.get("/culture/stakeholders/overdue/mine").json()]
    assert mine == ["Ingrid"]
    assert api_as(people["auditor"]).post("/culture/stakeholders", {
        "name": "A", "role": "B", "owner": "cio", "cadence_days": 30}).status_code == 403


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")
