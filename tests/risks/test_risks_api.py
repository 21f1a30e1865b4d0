"""The risk register API: scenarios, controls, runs, curves, tornado, portfolio, settings, files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.risks.models import RiskScenario

BEC = {"lef": {"constant": 0.8}, "events": "bernoulli", "primary_loss": {"lognormal90": [20000, 900000]}}


def test_scenario_lifecycle_over_the_api(ciso, fast_settings, org_data, api_as):
    api = api_as(ciso)
    created = api.post("/risks/scenarios", {"slug": "bec", "name": "BEC", "inputs": BEC,
                                            "business_service_id": org_data["erp"].pk,
                                            "assets": [org_data["assets"][0].pk]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["latest_run"]["seed"] == 11 and body["asset_ids"] == [org_data["assets"][0].pk]
    first_hash = body["latest_run"]["input_hash"]

    refused = api.patch("/risks/scenarios/bec", {"inputs": {**BEC, "lef": {"pert": [1, 0.5, 2]}}})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"].startswith("inputs.lef")

    patched = api.patch("/risks/scenarios/bec", {"inputs": {**BEC, "lef": {"constant": 0.4}}, "status": "assessed"})
    assert patched.status_code == 200 and patched.json()["latest_run"]["input_hash"] != first_hash

    listed = api.get("/risks/scenarios?status=assessed").json()
    assert listed["count"] == 1 and listed["items"][0]["slug"] == "bec"
    assert api.get("/risks/scenarios/ghost").status_code == 404

    control = api.post("/risks/scenarios/bec/controls", {"name": "Call-back", "factor": "lef",
                                                         "effectiveness": {"pert": [0.5, 0.7, 0.85]},
                                                         "annual_cost": 20000})
    assert control.status_code == 201 and control.json()["delta_mean"] > 0
    bad = api.post("/risks/scenarios/bec/controls", {"name": "X", "factor": "tef", "effectiveness": {"constant": 1}})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "factor"
    control_id = control.json()["id"]
    assert api.patch(f"/risks/scenarios/bec/controls/{control_id}", {"annual_cost": 10}).json()["rosi"] > 0
    assert len(api.get("/risks/scenarios/bec/controls").json()) == 1

    results = api.get("/risks/scenarios/bec/results").json()
    assert results["result"]["scenarios"][0]["controls"][0]["name"] == "Call-back"
    lec = api.get("/risks/scenarios/bec/lec").json()
    assert set(lec["series"]) == {"scenario", "with_controls"} and lec["series"]["scenario"][0][1] > 0
    tornado = api.get("/risks/scenarios/bec/tornado").json()
    assert [bar["input"] for bar in tornado["bars"]] == ["primary_loss"]  # lef is a constant

    same = api.post("/risks/scenarios/bec/simulate")
    assert same.status_code == 200 and same.json()["id"] == results["id"]  # nothing changed
    forced = api.post("/risks/scenarios/bec/simulate?force=true").json()
    assert forced["id"] != results["id"] and forced["result"] == results["result"]

    assert api.call("DELETE", f"/risks/scenarios/bec/controls/{control_id}").status_code == 204
    assert api.get("/risks/scenarios/bec/controls").json() == []


def test_portfolio_settings_import_and_export_over_the_api(ciso, api_as, samples):
    api = api_as(ciso)
    assert api.get("/risks/portfolio").status_code == 404
    assert api.post("/risks/portfolio/simulate").status_code == 422  # no scenario yet
    upload = SimpleUploadedFile("risks.yaml", samples.file_text.encode())
    imported = api.client.post("/api/v1/risks/import", {"file": upload}, headers=api.headers)
    assert imported.status_code == 200 and imported.json()["created"] == 2
    bad = SimpleUploadedFile("bad.yaml", samples.file_text.replace("constant: 0.8", "constant: -1").encode())
    refused = api.client.post("/api/v1/risks/import", {"file": bad}, headers=api.headers)
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "scenario bec, field lef"

    portfolio = api.get("/risks/portfolio").json()
    assert portfolio["kind"] == "portfolio" and len(portfolio["result"]["scenarios"]) == 2
    assert api.get("/risks/settings").json()["seed"] == 7
    assert api.patch("/risks/settings", {"appetite": [[1000, 2]]}).status_code == 422
    assert api.patch("/risks/settings", {"seed": 8}).json()["seed"] == 8

    exported = api.get("/risks/export").json()
    assert [s["id"] for s in exported["scenarios"]] == ["bec", "ransomware-erp"] and exported["seed"] == 8
    as_yaml = api.get("/risks/export?format=yaml&ids=bec")
    assert as_yaml.status_code == 200 and b"id: bec" in as_yaml.content and b"ransomware" not in as_yaml.content


def test_readers_read_and_cannot_write(ciso, make_user, api_as, fast_settings):
    api_as(ciso).post("/risks/scenarios", {"slug": "bec", "name": "BEC", "inputs": BEC})
    board = api_as(make_user("board_viewer"))
    assert board.get("/risks/scenarios").json()["count"] == 1
    assert board.get("/risks/scenarios/bec/lec").status_code == 200
    assert board.patch("/risks/scenarios/bec", {"name": "mine"}).status_code == 403
    assert board.post("/risks/scenarios/bec/simulate").status_code == 403
    assert RiskScenario.objects.get().name == "BEC"
