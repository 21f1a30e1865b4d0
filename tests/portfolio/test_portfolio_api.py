"""The portfolio API end to end: initiatives, effects, estimates, budgets, optimise, frontier, selections."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.governance.models import Decision
from accord.portfolio.models import Initiative


def test_initiative_crud_effects_and_estimates(ciso, api_as, scenarios, budget):
    api = api_as(ciso)
    made = api.post("/portfolio/initiatives", {"slug": "edr", "title": "EDR", "one_off_cost": 100000,
                                                "annual_cost": 50000, "capacity": {"Platform": 2},
                                                "csf_subcategories": ["DE.CM-01"]})
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["capacity"] == {"Platform": 2.0}
    refused = api.post("/portfolio/initiatives", {"slug": "bad", "title": "Bad", "csf_subcategories": ["DE.CM-1"]})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "csf_subcategories"
    assert api.patch(f"/portfolio/initiatives/{pk}", {"annual_cost": 40000}).json()["annual_cost"] == 40000
    listed = api.get("/portfolio/initiatives?q=ed").json()
    assert listed["count"] == 1 and listed["items"][0]["slug"] == "edr"

    effect = api.post(f"/portfolio/initiatives/{pk}/effects", {"scenario": "ransomware-erp", "factor": "vulnerability",
                                                               "effectiveness": {"pert": [0.3, 0.5, 0.7]}})
    assert effect.status_code == 201 and effect.json()["scenario"] == "ransomware-erp"
    wrong = api.post(f"/portfolio/initiatives/{pk}/effects", {"scenario": "bec", "factor": "tef",
                                                              "effectiveness": {"constant": 0.2}})
    assert wrong.status_code == 422 and wrong.json()["problems"][0]["field"] == "factor"
    assert api.post(f"/portfolio/initiatives/{pk}/effects", {"scenario": "nope", "factor": "tef",
                                                             "effectiveness": {"constant": 0.2}}).status_code == 404

    estimates = api.post("/portfolio/estimates", {"initiatives": ["edr"], "budget_scenario_id": budget.pk,
                                                  "years": 2000})
    assert estimates.status_code == 200, estimates.json()
    body = estimates.json()[0]
    assert body["initiative"] == "edr" and body["delta_ale_low"] < body["delta_ale"] < body["delta_ale_high"]
    assert api.get(f"/portfolio/estimates/{body['id']}").json()["rosi"] == body["rosi"]
    assert len(api.get(f"/portfolio/initiatives/{pk}/estimates").json()) == 1
    assert api.call("DELETE", f"/portfolio/initiatives/{pk}/effects/{effect.json()['id']}").status_code == 204
    assert api.call("DELETE", f"/portfolio/initiatives/{pk}").status_code == 204
    assert not Initiative.objects.exists()


def test_optimise_frontier_select_and_approve(ciso, make_user, api_as, estimated, budget):
    api = api_as(ciso)
    best = api.get(f"/portfolio/budget-scenarios/{budget.pk}/optimise?budget=250000")
    assert best.status_code == 200, best.json()
    doc = best.json()
    assert doc["cost"] <= 250000 and doc["residual_ale"] + doc["risk_reduction"] == doc["total_ale"]
    assert len(doc["cost_by_year"]) == 3 and doc["contributions"]
    frontier = api.get(f"/portfolio/budget-scenarios/{budget.pk}/frontier?points=5").json()
    assert len(frontier["points"]) == 5 and frontier["gordon_loeb_ceiling"] > 0
    assert api.get(f"/portfolio/budget-scenarios/{budget.pk}/optimise?budget=-1").status_code == 422

    saved = api.post("/portfolio/selections", {"budget_scenario_id": budget.pk, "budget": 250000})
    assert saved.status_code == 201, saved.json()
    board = api_as(make_user("board_viewer"))
    assert board.get(f"/portfolio/selections/{saved.json()['id']}").status_code == 200
    assert board.post(f"/portfolio/selections/{saved.json()['id']}/approve", {}).status_code == 403
    approved = api.post(f"/portfolio/selections/{saved.json()['id']}/approve", {"note": "go"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved.json()["decision_id"]
    decision = Decision.objects.get()
    assert decision.figures["initiatives"] == saved.json()["initiatives"] and decision.decided_by.username == "ciso"
    assert {i.status for i in Initiative.objects.filter(slug__in=saved.json()["initiatives"])} == {"approved"}


def test_budget_scenarios_and_csv_over_the_api(ciso, api_as, org_data, scenarios):
    api = api_as(ciso)
    made = api.post("/portfolio/budget-scenarios", {"name": "B", "budget": 1000, "capacity": {"Network": 1}})
    assert made.status_code == 201 and made.json()["capacity"] == {"Network": 1.0}
    assert api.patch(f"/portfolio/budget-scenarios/{made.json()['id']}", {"budget": 5}).json()["budget"] == 5
    assert api.post("/portfolio/budget-scenarios", {"name": "C", "budget": 1, "capacity": {"Ghost": 1}}).status_code == 422
    upload = SimpleUploadedFile("i.csv", b"slug,title,one_off_cost\nx,=cmd,12\n", content_type="text/csv")
    imported = api.client.post("/api/v1/portfolio/initiatives/import", {"file": upload}, headers=api.headers)
    assert imported.status_code == 200 and imported.json()["created"] == 1
    bad = SimpleUploadedFile("i.csv", b"slug,title,one_off_cost\nx,X,lots\n", content_type="text/csv")
    refused = api.client.post("/api/v1/portfolio/initiatives/import", {"file": bad}, headers=api.headers)
    assert refused.status_code == 422
    assert refused.json()["problems"][0] | {"message": ""} == {"field": "one_off_cost", "line": 2,
                                                              "column": "one_off_cost", "message": ""}
    exported = api.get("/portfolio/initiatives/export")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    assert "x,'=cmd,," in exported.content.decode()
